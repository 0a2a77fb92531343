// The file endpoint's tabular diff (reference §5.2): rows are matched by a hash of the whole row, not
// by keys. With the same schema, added/removed rows are the hashes one side lacks (a repeated hash keeps
// its last row); with a changed schema, rows are hashed on the common columns and the new or dropped
// columns are reported as frames of their own. Each side is read as the keyed compare reads it (a CSV
// lazily, keyed-csv.ts): rows are matched by the bytes oxen would hash, and only the rows of the pages
// shown are made into cells.
import { schemaOf, type Cell, type Schema } from './frame.js';
import { echoDfOpts } from './df-opts.js';
import type { KeyedSide } from './keyed-diff.js';
import { LastRows } from './last-rows.js';
import { paginateFrame } from './paginate.js';

/** One side of a tabular diff, read as a side of a keyed compare is. */
export type TableSide = KeyedSide;

/** Some columns of a side (indices among its columns), as one frame of the answer shows them. */
interface ColumnsView {
  side: TableSide;
  columns: number[];
}

const wholeSide = (side: TableSide): ColumnsView => ({ side, columns: side.columns.map((_, i) => i) });

/** The view's schema: its columns' names and dtypes. */
const viewSchema = ({ side, columns }: ColumnsView): Schema => schemaOf(columns.map((c) => side.columns[c]!));

/** The rows `indices` of the view as JSON objects keyed by column name, in column order. */
function rowsAsObjects({ side, columns }: ColumnsView, indices: number[]): Array<Record<string, Cell>> {
  return indices.map((i) => {
    const row: Record<string, Cell> = {};
    for (const c of columns) row[side.columns[c]!.name] = side.cell(i, c);
    return row;
  });
}

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

function pageOf(view: ColumnsView, rows: number[], paging: Paging) {
  const { start, end, pagination } = paginateFrame(rows.length, paging.page, paging.pageSize);
  return { data: rowsAsObjects(view, rows.slice(start, end)), pagination, slice: `${start}..${end}` };
}

function jsonFrame(view: ColumnsView, rows: number[], paging: Paging): JsonDataFrame {
  const schema = viewSchema(view);
  const { data } = pageOf(view, rows, paging);
  return {
    schema,
    view_schema: schema,
    view_size: { height: data.length, width: view.columns.length },
    full_size: { height: rows.length, width: view.columns.length },
    data,
  };
}

/**
 * The view of the same rows. 0.50.0 re-pages the already-paged rows (so page 2+ comes back empty and
 * totals count only the page); we answer the requested page with true totals, as the reference advises.
 */
function jsonFrameView(view: ColumnsView, rows: number[], paging: Paging): JsonDataFrameView {
  const schema = viewSchema(view);
  if (rows.length === 0) {
    return {
      schema,
      size: { height: 0, width: view.columns.length },
      data: [],
      pagination: { page_number: 0, page_size: 0, total_pages: 0, total_entries: 0 },
      opts: echoDfOpts(),
    };
  }
  const { data, pagination, slice } = pageOf(view, rows, paging);
  return {
    schema,
    size: { height: rows.length, width: view.columns.length },
    data,
    pagination,
    opts: echoDfOpts({ slice }),
  };
}

function allRows(side: TableSide): number[] {
  return Array.from({ length: side.height }, (_, i) => i);
}

/** Per row of `side`, the bytes oxen hashes over the columns `names` (in that order). */
function rowHashBytes(side: TableSide, names: string[]): Array<string | null> {
  const index = new Map(side.columns.map((c, i) => [c.name, i]));
  const { keys } = side.keyBytes(
    names.map((n) => index.get(n)!),
    -1,
    false,
  );
  return keys as Array<string | null>;
}

function sameSchema(a: TableSide, b: TableSide): boolean {
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
export function diffTables(base: TableSide | null, head: TableSide | null, paging: Paging): TabularDiffView {
  const baseSchema = base ? schemaOf(base.columns) : null;
  const headSchema = head ? schemaOf(head.columns) : null;
  const summary: TabularSummary = {
    num_added_rows: 0,
    num_added_cols: 0,
    num_removed_rows: 0,
    num_removed_cols: 0,
    schema_has_changed: true,
  };
  if (!base && !head) return { summary, base_schema: null, head_schema: null, ...NO_FRAMES };
  if (!base || !head) {
    const side = (head ?? base)!;
    // Reading no column's bytes still finds every row (a CSV side counts its rows so).
    side.keyBytes([], -1, false);
    const rows = allRows(side);
    const which = head ? 'added' : 'removed';
    summary[`num_${which}_rows`] = side.height;
    summary[`num_${which}_cols`] = side.columns.length;
    return {
      summary,
      base_schema: baseSchema,
      head_schema: headSchema,
      ...NO_FRAMES,
      [`${which}_rows`]: jsonFrame(wholeSide(side), rows, paging),
      [`${which}_rows_view`]: jsonFrameView(wholeSide(side), rows, paging),
    };
  }
  const baseNames = new Set(base.columns.map((c) => c.name));
  const headNames = new Set(head.columns.map((c) => c.name));
  const common = head.columns.map((c) => c.name).filter((n) => baseNames.has(n));
  const baseRows = new LastRows(rowHashBytes(base, common));
  const headRows = new LastRows(rowHashBytes(head, common));
  const added = headRows.missingFrom(baseRows);
  const removed = baseRows.missingFrom(headRows);
  summary.num_added_rows = added.length;
  summary.num_removed_rows = removed.length;
  if (sameSchema(base, head)) {
    summary.schema_has_changed = false;
    return {
      summary,
      base_schema: baseSchema,
      head_schema: headSchema,
      ...NO_FRAMES,
      added_rows: added.length ? jsonFrame(wholeSide(head), added, paging) : emptyJsonFrame(baseSchema!),
      added_rows_view: added.length ? jsonFrameView(wholeSide(head), added, paging) : null,
      removed_rows: removed.length
        ? jsonFrame(wholeSide(base), removed, paging)
        : emptyJsonFrame(baseSchema!),
      removed_rows_view: removed.length ? jsonFrameView(wholeSide(base), removed, paging) : null,
    };
  }
  const only = (side: TableSide, other: Set<string>): ColumnsView => ({
    side,
    columns: side.columns.flatMap((c, i) => (other.has(c.name) ? [] : [i])),
  });
  const [addedCols, removedCols] = [only(head, baseNames), only(base, headNames)];
  summary.num_added_cols = addedCols.columns.length;
  summary.num_removed_cols = removedCols.columns.length;
  const colsFrame = (view: ColumnsView) =>
    view.columns.length ? jsonFrame(view, allRows(view.side), paging) : emptyJsonFrame(schemaOf([]));
  const colsView = (view: ColumnsView) =>
    view.columns.length ? jsonFrameView(view, allRows(view.side), paging) : null;
  return {
    summary,
    base_schema: baseSchema,
    head_schema: headSchema,
    ...NO_FRAMES,
    added_rows_view: added.length ? jsonFrameView(wholeSide(head), added, paging) : null,
    removed_rows_view: removed.length ? jsonFrameView(wholeSide(base), removed, paging) : null,
    added_cols: colsFrame(addedCols),
    added_cols_view: colsView(addedCols),
    removed_cols: colsFrame(removedCols),
    removed_cols_view: colsView(removedCols),
  };
}
