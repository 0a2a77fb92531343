// oxen-server's pagination rules (reference §4.2 and §6.7). Pure: they clamp, never throw.

export const DEFAULT_PAGE = 1;
export const DEFAULT_PAGE_SIZE = 100;
/** usize::MAX, what 0.50.0 reports as total_pages for page_size=0 (ceil(n/0) cast to usize). */
export const USIZE_MAX = '18446744073709551615';

export interface EntriesPage {
  start: number;
  end: number;
  page_size: number;
  page_number: number;
  /** A string only for the page_size=0 quirk, whose value does not fit a JS number. */
  total_pages: number | string;
  total_entries: number;
}

/**
 * Entries and commits paging: 1-based, page 0 reads like page 1 but is echoed as 0; a page past the
 * end (or an empty list) answers page_size 0; page_size 0 gives no entries and total_pages usize::MAX.
 */
export function paginateEntries(
  total: number,
  page = DEFAULT_PAGE,
  pageSize = DEFAULT_PAGE_SIZE,
): EntriesPage {
  if (pageSize === 0) {
    return {
      start: 0,
      end: 0,
      page_size: 0,
      page_number: page,
      total_pages: total === 0 ? 0 : USIZE_MAX,
      total_entries: total,
    };
  }
  const totalPages = Math.ceil(total / pageSize);
  const start = Math.max(page - 1, 0) * pageSize;
  if (start >= total) {
    return {
      start: 0,
      end: 0,
      page_size: 0,
      page_number: page,
      total_pages: totalPages,
      total_entries: total,
    };
  }
  return {
    start,
    end: Math.min(start + pageSize, total),
    page_size: pageSize,
    page_number: page,
    total_pages: totalPages,
    total_entries: total,
  };
}

export interface FramePage {
  start: number;
  end: number;
  pagination: { page_size: number; page_number: number; total_pages: number; total_entries: number };
}

/**
 * Data-frame view paging. 0.50.0 panics on page 0 or page_size 0; newer servers clamp both to at
 * least 1, and so do we.
 */
export function paginateFrame(height: number, page = DEFAULT_PAGE, pageSize = DEFAULT_PAGE_SIZE): FramePage {
  const size = Math.max(pageSize, 1);
  const number = Math.max(page, 1);
  const start = Math.min((number - 1) * size, height);
  return {
    start,
    end: Math.min(start + size, height),
    pagination: {
      page_size: size,
      page_number: number,
      total_pages: Math.ceil(height / size),
      total_entries: height,
    },
  };
}
