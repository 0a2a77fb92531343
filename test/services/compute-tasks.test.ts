import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { Piscina } from 'piscina';
import { readCsv } from '../../src/engine/csv.js';
import { diffKeyed } from '../../src/engine/keyed-diff.js';
import { MessageChannel } from 'node:worker_threads';
import { createComputePool, keyedRows } from '../../src/services/compute/pool.js';
import { datadiffTask, runsSql, type DatadiffTask } from '../../src/services/compute/datadiff-task.js';
import { tableBytes } from '../../src/services/compute/table-bytes.js';
import { parseTable } from '../../src/services/compute/table-json.js';
import {
  datadiffProcessCount,
  killDatadiffProcesses,
  runDatadiffProcess,
  spareDatadiffPid,
} from '../../src/services/compute/job-process.js';
import {
  jsonLineBatches,
  keyedDiffTask,
  textDiffTask,
  type KeyedMessage,
  type KeyedOutcome,
} from '../../src/services/compute/tasks.js';

// The keyed compare's rows leave the engine as buffers of JSON lines, written without building an
// object per row, a megabyte or so each, and moved (not copied) out of a worker thread. Whatever
// the path, the lines must be what JSON.stringify makes of the engine's rows.

/** Two CSVs whose every row differs, with text that needs escaping and numbers of every kind. */
function tables(rows: number): [string, string] {
  const header = 'id,name,score,flag,note';
  const row = (i: number, changed: boolean) =>
    [
      i,
      // Some with characters JSON escapes: a tab, a control character, a backslash.
      `"item ""${i}"", é${i % 4 === 0 ? '\t\x01\\' : ''}"`,
      changed ? i / 7 : -0,
      i % 3 === 0 ? '' : String(i % 2 === 0),
      i % 5 === 0 ? 'inf' : `${i}e3`,
    ].join(',');
  const make = (changed: boolean) =>
    [header, ...Array.from({ length: rows }, (_, i) => row(i, changed))].join('\n');
  return [make(false), make(true)];
}

const params = { keys: ['id'], targets: [], display: [] };

function expectedLines([left, right]: [string, string]): string[] {
  const [a, b] = [readCsv(left), readCsv(right)];
  if (!a.ok || !b.ok) throw new Error('unreadable test tables');
  const diff = diffKeyed(a.frame, b.frame, params);
  if (!diff.ok) throw new Error('the compare failed');
  const names = diff.diff.columns.map((c) => c.name);
  return diff.diff.rows.map((row) => JSON.stringify(Object.fromEntries(names.map((n, i) => [n, row[i]]))));
}

const lines = async (outcome: KeyedOutcome<Iterable<Uint8Array> | AsyncIterable<Uint8Array>>) => {
  if (!outcome.ok) throw new Error(JSON.stringify(outcome.error));
  const out: string[] = [];
  for await (const batch of jsonLineBatches(outcome.rows, 1000)) out.push(...batch);
  return out;
};

const source = (text: string) => ({ bytes: Buffer.from(text), extension: 'csv' });

describe('the keyed compare task', () => {
  const pool = createComputePool({ inlineBelowBytes: 0, threads: 1 });
  afterAll(() => pool.close());

  it('writes the rows as JSON.stringify would, over several buffers', async () => {
    const pair = tables(30_000);
    const outcome = keyedDiffTask(source(pair[0]), source(pair[1]), params);
    expect(outcome.ok && outcome.rows.length).toBeGreaterThan(1);
    expect(await lines(outcome)).toEqual(expectedLines(pair));
  });

  it('writes every kind of cell as JSON.stringify would, numbers copied from their bytes or not', async () => {
    // Numbers that String() writes with their own bytes and numbers it does not (leading or trailing
    // zeros, -0, 16 digits and more, exponents, values under 1e-6), booleans, and text that JSON
    // writes as it is or escapes; each column typed by what it draws.
    const number = fc.constantFrom(
      '0',
      '-0',
      '7',
      '-7',
      '007',
      '10',
      '123456789012345',
      '1234567890123456',
      '9999999999999999',
      '9.999999999999999',
      '99999999999999.99',
      '12345678901234567890',
      '1.5',
      '1.50',
      '-0.5',
      '0.000001',
      '0.0000001',
      '0.0000015',
      '0.1000000000000001',
      '100.25',
      '12345678901234.5',
      '1234567890123.45',
      '1.',
      '.5',
      '1e5',
      'inf',
      'nan',
      '',
    );
    const other = fc.constantFrom('true', 'FALSE', 'x', 'é', '"q""x"', '"1"', 'a\\b', '"\t"', '', '~');
    const cell = fc.oneof(number, number, other);
    const table = fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(table, table, async (a, b) => {
        const text = (rows: Array<[string, string]>) =>
          ['id,x,y', ...rows.map(([x, y], i) => `${i},${x},${y}`)].join('\n');
        const pair: [string, string] = [text(a), text(b)];
        const outcome = keyedDiffTask(source(pair[0]), source(pair[1]), params);
        expect(await lines(outcome)).toEqual(expectedLines(pair));
      }),
      { numRuns: 300, seed: 20261206 },
    );
  });

  it('hands the same rows back from a worker thread, as it makes them', async () => {
    const pair = tables(30_000);
    const outcome = await pool.diffKeyed(source(pair[0]), source(pair[1]), params);
    expect(await lines(outcome)).toEqual(expectedLines(pair));
    // A compare that fails gives its error, and no rows.
    const failed = await pool.diffKeyed(source(pair[0]), source(pair[1]), { ...params, keys: ['nope'] });
    expect(failed).toEqual({ ok: false, error: expect.objectContaining({ kind: 'incompatible-schemas' }) });
  });

  it("fails the reading of a worker's rows when its task fails after the first", async () => {
    const { port1, port2 } = new MessageChannel();
    let fail!: (error: Error) => void;
    const task = new Promise((_resolve, reject) => (fail = reject));
    const diff = keyedDiffTask(source('id,v\n1,a\n'), source('id,v\n1,b\n'), params);
    if (!diff.ok) throw new Error('the compare failed');
    const send = (message: KeyedMessage) => port2.postMessage(message);
    send({ kind: 'start', start: { ok: true, diff: diff.diff, rows: null } });
    send({ kind: 'rows', bytes: diff.rows[0]! });
    const result = await keyedRows(port1, task);
    if (!result.ok) throw new Error('no start');
    const read: Uint8Array[] = [];
    const reading = (async () => {
      for await (const bytes of result.rows) {
        read.push(bytes);
        fail(new Error('the worker died'));
      }
    })();
    await expect(reading).rejects.toThrow('the worker died');
    expect(read).toHaveLength(1);
    port2.close();
  });
});

describe('the text diff task', () => {
  const bytes = (text: string) => [...Buffer.from(text)];
  const texts = (diff: ReturnType<typeof textDiffTask>) => diff?.map((line) => line.text);

  it('reads a leading byte order mark as decoding does: not as text', () => {
    const withMark = Uint8Array.from([0xef, 0xbb, 0xbf, ...bytes('a\nb')]);
    expect(texts(textDiffTask(withMark, Buffer.from('a\nc')))).toEqual(['a', 'b', 'c']);
    // Only at the start: elsewhere it is a character of its line.
    expect(texts(textDiffTask(Buffer.from('a\n\ufeffb'), Buffer.from('a\nb')))).toEqual([
      'a',
      '\ufeffb',
      'b',
    ]);
  });

  it('gives no diff when a side is not UTF-8, and reads an absent side as empty', () => {
    expect(textDiffTask(Uint8Array.from([0x61, 0xff]), Buffer.from('a'))).toBeNull();
    expect(textDiffTask(Buffer.from('a'), Uint8Array.from([0xc3]))).toBeNull();
    expect(textDiffTask(null, Buffer.from('x\n'))).toEqual([
      { modification: 'Added', text: 'x' },
      { modification: 'Added', text: '' },
    ]);
  });
});

describe('running a data diff, in a child process or a worker thread', () => {
  // A table as storage keeps it (table-bytes.ts).
  const table = (name: string, rows: number, changed: number) => ({
    name,
    data: tableBytes({
      columns: [
        { name: 'id', dtype: 'i64' },
        { name: 'note', dtype: 'str' },
      ],
      values: [
        Array.from({ length: rows }, (_, i) => i),
        Array.from({ length: rows }, (_, i) => `row ${i} é ${i % changed === 0 ? 'x' : ''}`),
      ],
      height: rows,
    }),
  });

  it('gets tables of several pieces each, and answers what the task gives inline', async () => {
    // Over twice 4 MiB (a piece) each, beside a small table and one without rows.
    const big = table('DB.S.BIG', 400_000, 7);
    const task: DatadiffTask = {
      a: {
        tables: [table('DB.S.SMALL', 3, 1), big],
        read: { kind: 'table', path: ['DB', 'S', 'BIG'] },
        filter: null,
      },
      b: {
        tables: [table('DB.S.BIG', 400_000, 5), table('DB.S.NONE', 0, 1)],
        read: { kind: 'table', path: ['DB', 'S', 'BIG'] },
        filter: 'id % 3 = 0',
      },
      options: { pkColumns: ['id'] },
    };
    expect(big.data.byteLength).toBeGreaterThan(2 * 4 * 1024 * 1024);
    const inline = datadiffTask(task);
    expect(inline.ok).toBe(true);
    expect(await runDatadiffProcess(task, new AbortController().signal)).toEqual(inline);
  }, 30_000);

  it('reads a table stored a row to an array (before tables were stored a column to an array) alike', () => {
    const columns = [
      { name: 'id', dtype: 'i64' },
      { name: 'note', dtype: 'str' },
    ];
    const rows = [
      [1, 'a'],
      [2, null],
      [3, 'é'],
    ];
    const byColumn = {
      columns,
      values: [
        [1, 2, 3],
        ['a', null, 'é'],
      ],
    };
    expect(parseTable(JSON.stringify({ columns, rows }))).toEqual({ ...byColumn, height: 3 });
    expect(parseTable(JSON.stringify(byColumn))).toEqual({ ...byColumn, height: 3 });
    expect(parseTable(JSON.stringify({ columns, rows: [] }))).toEqual({
      columns,
      values: [[], []],
      height: 0,
    });
    expect(parseTable(JSON.stringify({ columns, values: [[], []] }))).toEqual({
      columns,
      values: [[], []],
      height: 0,
    });
    // The same data diff either way.
    const stored = (data: unknown) => ({ name: 'T', data: Buffer.from(JSON.stringify(data)) });
    const task = (a: unknown, b: unknown): DatadiffTask => ({
      a: { tables: [stored(a)], read: { kind: 'table', path: ['T'] }, filter: null },
      b: { tables: [stored(b)], read: { kind: 'table', path: ['T'] }, filter: 'id > 1' },
      options: { pkColumns: ['id'] },
    });
    expect(datadiffTask(task({ columns, rows }, { columns, rows }))).toEqual(
      datadiffTask(task(byColumn, byColumn)),
    );
  });

  it('parses only the tables a side reads', () => {
    // A table that is neither format would fail the diff if it were read.
    const unread = { name: 'DB.S.UNREAD', data: Buffer.from('not a table') };
    const side = {
      tables: [table('DB.S.A', 50, 3), unread],
      read: { kind: 'table' as const, path: ['DB', 'S', 'A'] },
    };
    const task: DatadiffTask = {
      a: { ...side, filter: null },
      b: { ...side, filter: 'id > 10' },
      options: { pkColumns: ['id'] },
    };
    expect(datadiffTask(task)).toMatchObject({ ok: true, pks: { exclusives: [11, 0] } });
  });

  it('gets the tables of a data source both sides name once, and answers as inline', async () => {
    const tables = [table('DB.S.A', 1_000, 3), table('DB.S.B', 1_200, 4), table('DB.S.EMPTY', 0, 1)];
    const side = (path: string[], filter: string | null) => ({
      tables,
      read: { kind: 'table' as const, path },
      filter,
    });
    const task: DatadiffTask = {
      a: side(['DB', 'S', 'B'], null),
      b: side(['DB', 'S', 'A'], 'id > 10'),
      options: { pkColumns: ['id'] },
    };
    const inline = datadiffTask(task);
    // Two different tables of the one source: B's rows past A's are exclusive to a.
    expect(inline.ok && inline.pks?.exclusives[0]).toBeGreaterThan(0);
    expect(await runDatadiffProcess(task, new AbortController().signal)).toEqual(inline);
  }, 30_000);
  it('runs a data diff in a process started before it was asked for, once one has run', async () => {
    const tables = [table('DB.S.A', 500, 3), table('DB.S.B', 600, 4)];
    const task: DatadiffTask = {
      a: { tables, read: { kind: 'table', path: ['DB', 'S', 'A'] }, filter: null },
      b: { tables, read: { kind: 'table', path: ['DB', 'S', 'B'] }, filter: null },
      options: { pkColumns: ['id'] },
    };
    const inline = datadiffTask(task);
    const run = () => runDatadiffProcess(task, new AbortController().signal);
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const ended = async (pid: number) => {
      for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
      return !alive(pid);
    };
    expect(await run()).toEqual(inline);
    const spare = spareDatadiffPid()!;
    expect(alive(spare)).toBe(true);
    // The next diff runs in it (a process exits once it has answered), and another waits.
    expect(await run()).toEqual(inline);
    expect(await ended(spare)).toBe(true);
    const next = spareDatadiffPid()!;
    expect(next).not.toBe(spare);
    expect(alive(next)).toBe(true);
    // A spare that went away is replaced by a new process.
    process.kill(next, 'SIGKILL');
    expect(await ended(next)).toBe(true);
    expect(await run()).toEqual(inline);
    // The process that answered exits; the spare is not counted among those running.
    for (let i = 0; i < 100 && datadiffProcessCount() > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(datadiffProcessCount()).toBe(0);
    expect(alive(spareDatadiffPid()!)).toBe(true);
    killDatadiffProcesses();
    expect(await ended(spareDatadiffPid() ?? next)).toBe(true);
  }, 30_000);

  it('runs a data diff of whole tables in a worker thread, and one that runs SQL in a process', async () => {
    const compute = createComputePool({ threads: 1 });
    const task = (filter: string | null): DatadiffTask => ({
      a: { tables: [table('DB.S.A', 20_000, 3)], read: { kind: 'table', path: ['DB', 'S', 'A'] }, filter },
      b: {
        tables: [table('DB.S.A', 20_000, 4)],
        read: { kind: 'table', path: ['DB', 'S', 'A'] },
        filter: null,
      },
      options: { pkColumns: ['id'] },
    });
    try {
      const inline = datadiffTask(task(null));
      expect(runsSql(task(null))).toBe(false);
      const whole = compute.diffDatasets(task(null), new AbortController().signal);
      expect(datadiffProcessCount()).toBe(0);
      expect(await whole).toEqual(inline);
      // Aborted, it rejects with the signal's reason, and the worker runs the next one.
      const controller = new AbortController();
      const stopped = compute.diffDatasets(task(null), controller.signal);
      const reason = new Error('stopped');
      controller.abort(reason);
      await expect(stopped).rejects.toBe(reason);
      expect(await compute.diffDatasets(task(null), new AbortController().signal)).toEqual(inline);
      // A filter is SQL, and so is a query: a process of its own.
      expect(runsSql(task('id > 5'))).toBe(true);
      expect(
        runsSql({ ...task(null), b: { ...task(null).b, read: { kind: 'query', sql: 'SELECT 1 AS id' } } }),
      ).toBe(true);
      const filtered = compute.diffDatasets(task('id > 5'), new AbortController().signal);
      expect(datadiffProcessCount()).toBe(1);
      expect(await filtered).toEqual(datadiffTask(task('id > 5')));
    } finally {
      await compute.close();
    }
  }, 30_000);
});

describe('the compute pool', () => {
  it('tells onError of an error its threads raise outside any task, and goes on', async () => {
    const errors: unknown[] = [];
    const run = vi.spyOn(Piscina.prototype, 'run');
    const pool = createComputePool({ inlineBelowBytes: 0, threads: 1, onError: (e) => errors.push(e) });
    const diff = () => pool.diffText(Buffer.from('a\nb\n'), Buffer.from('a\nc\n'));
    try {
      const first = await diff();
      expect(first?.length).toBeGreaterThan(0);
      // What piscina emits when a worker answers a task it no longer tracks: with no listener,
      // EventEmitter would throw it out of the message handler, and the process would end.
      const error = new Error('Unexpected message from Worker');
      (run.mock.contexts[0] as Piscina).emit('error', error);
      expect(errors).toEqual([error]);
      expect(await diff()).toEqual(first);
    } finally {
      run.mockRestore();
      await pool.close();
    }
  });
});
