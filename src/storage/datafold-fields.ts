// The 50 names of Datafold's `ApiSortFilters` (seed 004), each mapped to where its value lives in a
// stored data diff: a path in the record as the API shows it, or in the hidden fields a seeded record
// may carry (user_name, ci_type, …) that the record schema has no place for. Each becomes an indexed
// generated column of df_datadiffs, so list filters, sorting and paging run in SQL.

export type FieldKind = 'int' | 'number' | 'string' | 'bool' | 'date' | 'list' | 'path' | 'enum';

export interface SortField {
  /** JSON path in the record, or in the hidden fields when `hidden`. */
  path: string;
  kind: FieldKind;
  hidden?: boolean;
  /** For enum fields: the allowed values. */
  values?: string[];
}

const JOB_STATUS = [
  'needs_confirmation',
  'needs_authentication',
  'waiting',
  'processing',
  'done',
  'failed',
  'cancelled',
];
const JOB_SOURCE = ['interactive', 'demo_signup', 'manual', 'api', 'ci', 'schedule', 'auto'];
const RESULT = ['error', 'bad-pks', 'different', 'missing-pks', 'identical'];
const TIME_AGGREGATE = ['minute', 'hour', 'day', 'week', 'month', 'year'];

const f = (path: string, kind: FieldKind, extra: Partial<SortField> = {}): SortField => ({
  path,
  kind,
  ...extra,
});

export const SORT_FIELDS: Record<string, SortField> = {
  id: f('$.id', 'int'),
  user_id: f('$.user_id', 'int'),
  user_name: f('$.user_name', 'string', { hidden: true }),
  data_source1_id: f('$.data_source1_id', 'int'),
  data_source2_id: f('$.data_source2_id', 'int'),
  table1: f('$.table1', 'path'),
  table2: f('$.table2', 'path'),
  query1: f('$.query1', 'string'),
  query2: f('$.query2', 'string'),
  pk_columns: f('$.pk_columns', 'list'),
  include_columns: f('$.include_columns', 'list'),
  exclude_columns: f('$.exclude_columns', 'list'),
  time_column: f('$.time_column', 'string'),
  time_aggregate: f('$.time_aggregate', 'enum', { values: TIME_AGGREGATE }),
  filter1: f('$.filter1', 'string'),
  filter2: f('$.filter2', 'string'),
  done: f('$.done', 'bool'),
  time_interval_start: f('$.time_interval_start', 'date'),
  time_interval_end: f('$.time_interval_end', 'date'),
  created_at: f('$.created_at', 'date'),
  updated_at: f('$.updated_at', 'date'),
  diff_stats_pks: f('$.diff_stats.diff_pks', 'number'),
  diff_stats_rows: f('$.diff_stats.diff_rows', 'number'),
  diff_stats_values: f('$.diff_stats.diff_values', 'number'),
  'stats.match_ratio': f('$.diff_stats.match_ratio', 'number'),
  tags: f('$.tags', 'list'),
  source: f('$.source', 'enum', { values: JOB_SOURCE }),
  status: f('$.status', 'enum', { values: JOB_STATUS }),
  bisection_factor: f('$.bisection_factor', 'int'),
  bisection_threshold: f('$.bisection_threshold', 'int'),
  ci_type: f('$.ci_type', 'string', { hidden: true }),
  ci_run_id: f('$.ci_run_id', 'int'),
  pr_user_id: f('$.ci_pr_user_id', 'string'),
  pr_username: f('$.ci_pr_username', 'string'),
  pr_user_email: f('$.ci_pr_user_email', 'string'),
  pr_user_display_name: f('$.ci_pr_user_display_name', 'string'),
  pr_num: f('$.ci_pr_num', 'int'),
  pr_branch: f('$.ci_pr_branch', 'string'),
  monitor_id: f('$.monitor_id', 'int'),
  data_app_type: f('$.data_app_type', 'string'),
  data_app_data_source_id: f('$.data_app_data_source_id', 'int', { hidden: true }),
  data_app_model1_id: f('$.data_app_metadata.data_app_model1_id', 'string'),
  data_app_model2_id: f('$.data_app_metadata.data_app_model2_id', 'string'),
  data_app_model1_name: f('$.data_app_metadata.data_app_model1_name', 'string'),
  data_app_model2_name: f('$.data_app_metadata.data_app_model2_name', 'string'),
  user_ref: f('$.user_ref', 'string', { hidden: true }),
  result: f('$.result', 'enum', { values: RESULT }),
  archived: f('$.archived', 'bool'),
  purged: f('$.purged', 'bool'),
  kind: f('$.kind', 'enum', { values: ['in_db', 'cross_db'] }),
};

/** The generated column holding a sort field's value. */
export const columnOf = (name: string): string => `f_${name.replace(/\W/g, '_')}`;

/** A record's id and each sort field's column, in SORT_FIELDS order: the row record-columns.ts keeps. */
export const COLUMN_ROW = `id, ${Object.keys(SORT_FIELDS).map(columnOf).join(', ')}`;

/**
 * df_datadiffs with one indexed, generated column per sort field. Idempotent. The columns are STORED:
 * a filter the index does not cover then reads the value from the row instead of parsing the record's
 * JSON again.
 */
export function datadiffsDdl(): string {
  const generated = Object.entries(SORT_FIELDS).map(([name, field]) => {
    const value = `json_extract(${field.hidden ? 'hidden' : 'record'}, '${field.path}')`;
    // A table path ["DB","S","T"] is kept as the lower-case text db.s.t, so it can be indexed.
    const expression =
      field.kind === 'path'
        ? `lower(replace(replace(replace(${value}, '","', '.'), '["', ''), '"]', ''))`
        : value;
    return `  ${columnOf(name)} GENERATED ALWAYS AS (${expression}) STORED`;
  });
  const indexes = Object.keys(SORT_FIELDS)
    .filter((name) => name !== 'id')
    .map(
      (name) =>
        `CREATE INDEX IF NOT EXISTS df_datadiffs_${columnOf(name)} ON df_datadiffs (${columnOf(name)}, id);`,
    );
  // The ids alone, narrow, for stepping over the rows before a deep page in id order.
  indexes.push('CREATE INDEX IF NOT EXISTS df_datadiffs_ids ON df_datadiffs (id);');
  // Status and a date range, the pair a list is most often narrowed by, answered from one index
  // (with one index per field, SQLite reads every row in the date range to test its status).
  indexes.push(
    `CREATE INDEX IF NOT EXISTS df_datadiffs_status_created ON df_datadiffs (${columnOf('status')}, ${columnOf('created_at')}, id);`,
  );
  return `
CREATE TABLE IF NOT EXISTS df_sources (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS df_table_parts (
  source_id INTEGER NOT NULL,
  name TEXT NOT NULL,
  part INTEGER NOT NULL,
  data BLOB NOT NULL,
  PRIMARY KEY (source_id, name, part)
);
CREATE TABLE IF NOT EXISTS df_datadiffs (
  id INTEGER PRIMARY KEY,
  record TEXT NOT NULL,
  hidden TEXT NOT NULL DEFAULT '{}',
  summary_results TEXT,
${generated.join(',\n')}
);
${indexes.join('\n')}
`;
}
