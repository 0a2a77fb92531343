// The file endpoint's tabular diff (reference §5.2): rows are matched by a hash of the whole row, not
// by keys. With the same schema, added/removed rows are the hashes one side lacks (a repeated hash keeps
// its last row); with a changed schema, rows are hashed on the common columns and the new or dropped
// columns are reported as frames of their own.
import {
  frameSchema,
  hashRow,
  rowsAsObjects,
  schemaOf,
  selectColumns,
  type Cell,
  type Frame,
  type Schema,
} from './frame.js';
import { echoDfOpts } from './df-opts.js';
import { paginateFrame } from './paginate.js';

export interface TabularSummary {
  num_added_rows: number;
  num_added_cols: number;
  num_removed_rows: number;
  num_removed_cols: number;
  schema_has_changed: boolean;
}

interface Size {
  height: number;
  width: number;
}

export interface JsonDataFrame {
  schema: Schema;
  view_schema: Schema;
  view_size: Size;
  full_size: Size;
  data: Array<Record<string, Cell>> | null;
}

export interface JsonDataFrameView {
  schema: Schema;
  size: Size;
  data: Array<Record<string, Cell>>;
  pagination: { page_size: number; page_number: number; total_pages: number; total_entries: number };
  opts: Array<{ name: string; value: unknown }>;
}

export interface TabularDiffView {
  summary: TabularSummary;
  base_schema: Schema | null;
  head_schema: Schema | null;
  added_rows: JsonDataFrame | null;
  added_rows_view: JsonDataFrameView | null;
  removed_rows: JsonDataFrame | null;
  removed_rows_view: JsonDataFrameView | null;
  added_cols: JsonDataFrame | null;
  added_cols_view: JsonDataFrameView | null;
  removed_cols: JsonDataFrame | null;
  removed_cols_view: JsonDataFrameView | null;
}

export interface Paging {
  page: number;
  pageSize: number;
}

function emptyJsonFrame(schema: Schema): JsonDataFrame {
  return {
    schema,
    view_schema: schema,
    view_size: { height: 0, width: 0 },
    full_size: { height: 0, width: 0 },
    data: null,
  };
}

function pageOf(frame: Frame, rows: number[], paging: Paging) {
  const { start, end, pagination } = paginateFrame(rows.length, paging.page, paging.pageSize);
  return { data: rowsAsObjects(frame, rows.slice(start, end)), pagination, slice: `${start}..${end}` };
}

function jsonFrame(frame: Frame, rows: number[], paging: Paging): JsonDataFrame {
  const schema = frameSchema(frame);
  const { data } = pageOf(frame, rows, paging);
  return {
    schema,
    view_schema: schema,
    view_size: { height: data.length, width: frame.columns.length },
    full_size: { height: rows.length, width: frame.columns.length },
    data,
  };
}

/**
 * The view of the same rows. 0.50.0 re-pages the already-paged rows (so page 2+ comes back empty and
 * totals count only the page); we answer the requested page with true totals, as the reference advises.
 */
export function jsonFrameView(frame: Frame, rows: number[], paging: Paging): JsonDataFrameView {
  const schema = frameSchema(frame);
  if (rows.length === 0) {
    return {
      schema,
      size: { height: 0, width: frame.columns.length },
      data: [],
      pagination: { page_number: 0, page_size: 0, total_pages: 0, total_entries: 0 },
      opts: echoDfOpts(),
    };
  }
  const { data, pagination, slice } = pageOf(frame, rows, paging);
  return {
    schema,
    size: { height: rows.length, width: frame.columns.length },
    data,
    pagination,
    opts: echoDfOpts({ slice }),
  };
}

function allRows(frame: Frame): number[] {
  return Array.from({ length: frame.height }, (_, i) => i);
}

/** Rows of `frame` whose hash over `columns` is absent from `other`; a repeated hash keeps its last row. */
function rowsMissingFrom(frame: Frame, other: Frame, columns: string[]): number[] {
  const own = selectColumns(frame, columns).columns;
  const theirs = selectColumns(other, columns).columns;
  const otherHashes = new Set<string | null>();
  for (let i = 0; i < other.height; i++) otherHashes.add(hashRow(theirs, i));
  const lastIndex = new Map<string | null, number>();
  for (let i = 0; i < frame.height; i++) lastIndex.set(hashRow(own, i), i);
  const out: number[] = [];
  for (const [hash, index] of lastIndex) if (!otherHashes.has(hash)) out.push(index);
  return out.sort((a, b) => a - b);
}

function sameSchema(a: Frame, b: Frame): boolean {
  return (
    a.columns.length === b.columns.length &&
    a.columns.every((c, i) => c.name === b.columns[i]!.name && c.dtype === b.columns[i]!.dtype)
  );
}

const NO_FRAMES = {
  added_rows: null,
  added_rows_view: null,
  removed_rows: null,
  removed_rows_view: null,
  added_cols: null,
  added_cols_view: null,
  removed_cols: null,
  removed_cols_view: null,
};

/** `diff.tabular` of the file endpoint. A missing side (absent or unreadable) is null. */
export function diffTables(base: Frame | null, head: Frame | null, paging: Paging): TabularDiffView {
  const baseSchema = base ? frameSchema(base) : null;
  const headSchema = head ? frameSchema(head) : null;
  const summary: TabularSummary = {
    num_added_rows: 0,
    num_added_cols: 0,
    num_removed_rows: 0,
    num_removed_cols: 0,
    schema_has_changed: true,
  };
  if (!base && !head) return { summary, base_schema: null, head_schema: null, ...NO_FRAMES };
  if (!base || !head) {
    const frame = (head ?? base)!;
    const rows = allRows(frame);
    const side = head ? 'added' : 'removed';
    summary[`num_${side}_rows`] = frame.height;
    summary[`num_${side}_cols`] = frame.columns.length;
    return {
      summary,
      base_schema: baseSchema,
      head_schema: headSchema,
      ...NO_FRAMES,
      [`${side}_rows`]: jsonFrame(frame, rows, paging),
      [`${side}_rows_view`]: jsonFrameView(frame, rows, paging),
    };
  }
  if (sameSchema(base, head)) {
    const names = head.columns.map((c) => c.name);
    const added = rowsMissingFrom(head, base, names);
    const removed = rowsMissingFrom(base, head, names);
    summary.num_added_rows = added.length;
    summary.num_removed_rows = removed.length;
    summary.schema_has_changed = false;
    return {
      summary,
      base_schema: baseSchema,
      head_schema: headSchema,
      ...NO_FRAMES,
      added_rows: added.length ? jsonFrame(head, added, paging) : emptyJsonFrame(baseSchema!),
      added_rows_view: added.length ? jsonFrameView(head, added, paging) : null,
      removed_rows: removed.length ? jsonFrame(base, removed, paging) : emptyJsonFrame(baseSchema!),
      removed_rows_view: removed.length ? jsonFrameView(base, removed, paging) : null,
    };
  }
  const baseNames = new Set(base.columns.map((c) => c.name));
  const headNames = new Set(head.columns.map((c) => c.name));
  const common = head.columns.map((c) => c.name).filter((n) => baseNames.has(n));
  const addedCols = selectColumns(
    head,
    head.columns.map((c) => c.name).filter((n) => !baseNames.has(n)),
  );
  const removedCols = selectColumns(
    base,
    base.columns.map((c) => c.name).filter((n) => !headNames.has(n)),
  );
  const added = rowsMissingFrom(head, base, common);
  const removed = rowsMissingFrom(base, head, common);
  summary.num_added_rows = added.length;
  summary.num_removed_rows = removed.length;
  summary.num_added_cols = addedCols.columns.length;
  summary.num_removed_cols = removedCols.columns.length;
  const colsFrame = (frame: Frame) =>
    frame.columns.length ? jsonFrame(frame, allRows(frame), paging) : emptyJsonFrame(schemaOf([]));
  return {
    summary,
    base_schema: baseSchema,
    head_schema: headSchema,
    ...NO_FRAMES,
    added_rows_view: added.length ? jsonFrameView(head, added, paging) : null,
    removed_rows_view: removed.length ? jsonFrameView(base, removed, paging) : null,
    added_cols: colsFrame(addedCols),
    added_cols_view: addedCols.columns.length ? jsonFrameView(addedCols, allRows(addedCols), paging) : null,
    removed_cols: colsFrame(removedCols),
    removed_cols_view: removedCols.columns.length
      ? jsonFrameView(removedCols, allRows(removedCols), paging)
      : null,
  };
}
