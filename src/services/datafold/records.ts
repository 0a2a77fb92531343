// Data diff records as the API shows them: every field of the seed's record schema, in its order,
// with defaults filled (reference §10 item 3-4). The field list comes from the OpenAPI document.

export type Json = Record<string, unknown>;

export interface RecordShape {
  /** The fields of ApiDataDiffWithProgressState, in order, with their schema defaults. */
  fields: Array<{ name: string; default: unknown }>;
}

/** Python's `datetime.isoformat()` of an aware UTC time: microseconds and `+00:00`. */
export function isoNow(ms: number = performance.timeOrigin + performance.now()): string {
  return isoOf(ms);
}

export function isoOf(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.floor((ms - whole) * 1000);
  const base = new Date(whole).toISOString().slice(0, 23);
  return `${base}${String(micros).padStart(3, '0')}+00:00`;
}

/** Reads an ISO date or date-time (any offset) as UTC milliseconds, or null. */
export function parseIso(text: string): number | null {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(
      text.trim(),
    );
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const offset =
    zone === 'Z' ? 0 : (zone[0] === '-' ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(-2)));
  const ms =
    Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) - offset * 60_000;
  const fraction = Number(`0.${frac || '0'}`) * 1000;
  return Number.isNaN(ms) ? null : ms + fraction;
}

/** A date given in a seeded record, in the stored form; null when it is not an ISO date. */
export function normalizeDate(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const ms = parseIso(value);
  return ms === null ? null : isoOf(ms);
}

/** A record with every field present, in schema order; fields the schema lacks (newer revisions) follow. */
export function completeRecord(shape: RecordShape, values: Json): Json {
  const out: Json = {};
  for (const f of shape.fields)
    out[f.name] = f.name in values ? values[f.name] : structuredClone(f.default ?? null);
  for (const [k, v] of Object.entries(values)) if (!(k in out)) out[k] = v;
  return out;
}

/** The field the list, create and patch answers (ApiDataDiffFull) do not have. */
export const PROGRESS_FIELD = 'diff_progress';

/** A record as the list, create and patch answers show it. */
export function withoutProgress(record: Json): Json {
  const rest = { ...record };
  delete rest[PROGRESS_FIELD];
  return rest;
}
