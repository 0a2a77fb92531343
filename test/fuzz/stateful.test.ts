import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { build, call } from '../helpers/app.js';

// Stateful property tests: fast-check draws sequences of calls, runs them against the app and against a
// small model of what the server should hold, and checks every answer against both the model and the
// spec (through `call`). A failing sequence is shrunk to the shortest one that still fails. Seeded
// like test/fuzz/api.test.ts; `npm run fuzz` runs 1,000 sequences of each kind.
const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = Number(process.env.FUZZ_SEED ?? 20261121);
const settings = { numRuns: RUNS, seed: SEED };
// Data diff sequences start a server and child processes each: a fifth of the runs (at least 12), and
// no shrinking, as each shorter try would start a server again.
const jobSettings = { ...settings, numRuns: Math.max(12, Math.round(RUNS / 5)), endOnFailure: true };
/** Room for the long runs of `npm run fuzz`. */
const timeout = 30_000 + RUNS * 500;

type Json = Record<string, any>;

// ---- Data-frame compares: create → get → update → delete → get, over a few shared ids. ----

const FRAMES = '/api/repos/ox/compare-datasets/compare/data_frames';
/** Two compare bodies with different results; PUT also differs from POST (it reads both files at left). */
const BODIES = {
  forward: { left: 'main', right: 'feature/add-labels' },
  backward: { left: 'feature/add-labels', right: 'main' },
};
type BodyName = keyof typeof BODIES;
type Write = `${'POST' | 'PUT'} ${BodyName}`;
const compareBody = (id: string, body: BodyName) => ({
  compare_id: id,
  left: { path: 'data/train/labels.csv', version: BODIES[body].left },
  right: { path: 'data/train/labels.csv', version: BODIES[body].right },
  keys: [{ left: 'id', right: 'id' }],
  compare: [],
  display: [],
});

interface FramesReal {
  app: App;
  prefix: string;
  /** The derived frame each kind of write gives, from one call of each made beforehand. */
  expected: Map<Write, unknown>;
}
type FramesModel = Map<string, Write>;
const frameOf = (json: Json) => ({ data: json.data_frame.view.data, size: json.data_frame.source.size });

class WriteCompare implements fc.AsyncCommand<FramesModel, FramesReal> {
  constructor(
    readonly method: 'POST' | 'PUT',
    readonly id: string,
    readonly body: BodyName,
  ) {}
  check = () => true;
  async run(model: FramesModel, real: FramesReal) {
    const id = real.prefix + this.id;
    const res =
      this.method === 'POST'
        ? await call(real.app, 'create_df_diff', 'POST', FRAMES, compareBody(id, this.body))
        : await call(real.app, 'update_df_diff', 'PUT', `${FRAMES}/${id}`, compareBody(id, this.body));
    expect(res.statusCode).toBe(200);
    model.set(this.id, `${this.method} ${this.body}`);
  }
  toString = () => `${this.method} ${this.id} ${this.body}`;
}

class GetFrame implements fc.AsyncCommand<FramesModel, FramesReal> {
  constructor(readonly id: string) {}
  check = () => true;
  async run(model: FramesModel, real: FramesReal) {
    const res = await call(real.app, 'get_derived_df', 'GET', `${FRAMES}/${real.prefix}${this.id}/diff`);
    const write = model.get(this.id);
    if (write === undefined) return expect(res.statusCode).toBe(404);
    expect(res.statusCode).toBe(200);
    expect(frameOf(res.json)).toEqual(real.expected.get(write));
  }
  toString = () => `GET ${this.id}`;
}

class DeleteCompare implements fc.AsyncCommand<FramesModel, FramesReal> {
  constructor(readonly id: string) {}
  check = () => true;
  async run(model: FramesModel, real: FramesReal) {
    const res = await call(real.app, 'delete_df_diff', 'DELETE', `${FRAMES}/${real.prefix}${this.id}`);
    expect(res.statusCode).toBe(200); // idempotent
    model.delete(this.id);
  }
  toString = () => `DELETE ${this.id}`;
}

// ---- Datafold: create → poll → list → patch → cancel. ----

const DIFFS = '/api/v1/datadiffs';
const RANK: Record<string, number> = { waiting: 0, processing: 1, done: 2, failed: 2, cancelled: 2 };
interface DiffState {
  same: boolean;
  archived: boolean;
  /** The furthest status seen; a terminal one must never change. */
  status: string;
}
type DiffModel = Map<number, DiffState>;

/** Checks an observed record against the model and moves the model on. */
function observe(model: DiffModel, record: Json): void {
  const state = model.get(record.id)!;
  expect(record.archived).toBe(state.archived);
  if (RANK[state.status] === 2) expect(record.status).toBe(state.status);
  expect(RANK[record.status]).toBeGreaterThanOrEqual(RANK[state.status]!);
  if (record.status === 'done') expect(record.result).toBe(state.same ? 'identical' : 'different');
  state.status = record.status;
}
/** The id a command acts on: mostly one of the model's, sometimes one that does not exist. */
const pickId = (model: DiffModel, pick: number) => {
  const ids = [...model.keys()];
  const index = pick % (ids.length + 1);
  return index < ids.length ? ids[index]! : Math.max(0, ...ids) + 1;
};

class CreateDiff implements fc.AsyncCommand<DiffModel, App> {
  constructor(readonly same: boolean) {}
  check = () => true;
  async run(model: DiffModel, app: App) {
    const res = await call(app, 'create_datadiff', 'POST', DIFFS, {
      data_source1_id: 1,
      data_source2_id: 1,
      table1: ['fruit'],
      table2: [this.same ? 'fruit' : 'fruit2'],
      pk_columns: ['id'],
    });
    expect(res.statusCode).toBe(200);
    expect(res.json.status).toBe('waiting');
    expect(res.json.id).toBeGreaterThan(Math.max(0, ...model.keys()));
    model.set(res.json.id, { same: this.same, archived: false, status: 'waiting' });
  }
  toString = () => `create(${this.same ? 'same' : 'different'})`;
}

class GetDiff implements fc.AsyncCommand<DiffModel, App> {
  constructor(
    readonly pick: number,
    readonly poll: boolean,
  ) {}
  check = () => true;
  async run(model: DiffModel, app: App) {
    const id = pickId(model, this.pick);
    const res = await call(app, 'get_datadiff', 'GET', `${DIFFS}/${id}${this.poll ? '?poll' : ''}`);
    if (!model.has(id)) return expect(res.statusCode).toBe(404);
    expect(res.statusCode).toBe(200);
    observe(model, res.json);
  }
  toString = () => `get(#${this.pick}${this.poll ? ', poll' : ''})`;
}

class ListDiffs implements fc.AsyncCommand<DiffModel, App> {
  check = () => true;
  async run(model: DiffModel, app: App) {
    const all = await call(app, 'list_datadiffs', 'GET', `${DIFFS}?page_size=1000`);
    expect(all.json.count).toBe(model.size);
    expect(all.json.results.map((r: Json) => r.id)).toEqual([...model.keys()].sort((a, b) => a - b));
    for (const record of all.json.results) observe(model, record);
    const archived = await call(app, 'list_datadiffs', 'GET', `${DIFFS}?archived=true&sort_order=desc`);
    const expected = [...model].filter(([, s]) => s.archived).map(([id]) => id);
    expect(archived.json.results.map((r: Json) => r.id)).toEqual(expected.sort((a, b) => b - a));
  }
  toString = () => 'list';
}

class PatchDiff implements fc.AsyncCommand<DiffModel, App> {
  constructor(
    readonly pick: number,
    readonly archived: boolean,
  ) {}
  check = () => true;
  async run(model: DiffModel, app: App) {
    const id = pickId(model, this.pick);
    const res = await call(app, 'update_datadiff', 'PATCH', `${DIFFS}/${id}`, { archived: this.archived });
    if (!model.has(id)) return expect(res.statusCode).toBe(404);
    expect(res.statusCode).toBe(200);
    model.get(id)!.archived = this.archived;
    observe(model, res.json);
  }
  toString = () => `patch(#${this.pick}, archived=${this.archived})`;
}

class CancelDiff implements fc.AsyncCommand<DiffModel, App> {
  constructor(readonly pick: number) {}
  check = () => true;
  async run(model: DiffModel, app: App) {
    const id = pickId(model, this.pick);
    const res = await call(app, 'cancel_datadiff', 'POST', `${DIFFS}/${id}/cancel`);
    if (!model.has(id)) return expect(res.statusCode).toBe(404);
    const state = model.get(id)!;
    // A job still running is cancelled; one that ended (perhaps just now) keeps its end.
    if (RANK[state.status] === 2) expect(res.json.status).toBe(state.status);
    else expect(['cancelled', 'done']).toContain(res.json.status);
    state.status = res.json.status;
  }
  toString = () => `cancel(#${this.pick})`;
}

// ---- Admin: create repo → compare → delete repo → compare 404. ----

const VARIANTS = {
  small: [{ files: { 'a.txt': 'a\n' } }, { branch: 'next', files: { 'a.txt': 'b\n', 'new.csv': 'x\n1\n' } }],
  large: [
    { files: { 'd/one.txt': '1\n', 'd/two.txt': '2\n', 'gone.txt': 'x\n' } },
    { branch: 'next', files: { 'd/two.txt': 'two\n' }, delete: ['gone.txt'] },
  ],
};
type Variant = keyof typeof VARIANTS;
interface ReposReal {
  app: App;
  namespace: string;
  /** The compare answer of each variant, from a repository created beforehand. */
  expected: Map<Variant, unknown>;
}
type ReposModel = Map<string, Variant>;
const entriesUrl = (namespace: string, name: string) =>
  `/api/repos/${namespace}/${name}/compare/entries/main..next`;
const compareOf = (json: Json) => ({ counts: json.compare.counts, total: json.total_entries });

class CreateRepo implements fc.AsyncCommand<ReposModel, ReposReal> {
  constructor(
    readonly name: string,
    readonly variant: Variant,
  ) {}
  check = () => true;
  async run(model: ReposModel, real: ReposReal) {
    const res = await call(real.app, 'adminCreateRepo', 'POST', '/_mock/oxen/repos', {
      namespace: real.namespace,
      name: this.name,
      commits: VARIANTS[this.variant],
    });
    expect(res.statusCode).toBe(201);
    model.set(this.name, this.variant);
  }
  toString = () => `create ${this.name} ${this.variant}`;
}

class CompareRepo implements fc.AsyncCommand<ReposModel, ReposReal> {
  constructor(readonly name: string) {}
  check = () => true;
  async run(model: ReposModel, real: ReposReal) {
    const res = await call(real.app, 'entries_real', 'GET', entriesUrl(real.namespace, this.name));
    const variant = model.get(this.name);
    if (variant === undefined) return expect(res.statusCode).toBe(404);
    expect(res.statusCode).toBe(200);
    expect(compareOf(res.json)).toEqual(real.expected.get(variant));
  }
  toString = () => `compare ${this.name}`;
}

class DeleteRepo implements fc.AsyncCommand<ReposModel, ReposReal> {
  constructor(readonly name: string) {}
  check = () => true;
  async run(model: ReposModel, real: ReposReal) {
    const res = await real.app.app.inject({
      method: 'DELETE',
      url: `/_mock/oxen/repos/${real.namespace}/${this.name}`,
    });
    expect(res.statusCode).toBe(model.has(this.name) ? 204 : 404);
    model.delete(this.name);
  }
  toString = () => `delete ${this.name}`;
}

// ---- The properties. ----

let app: App;
let run = 0;
beforeAll(async () => {
  app = await build();
});
afterAll(() => app.app.close());

describe('stateful sequences', () => {
  it(
    'data-frame compares: every GET shows the last write of its id, or 404 after a DELETE',
    async () => {
      const expected = new Map<Write, unknown>();
      for (const method of ['POST', 'PUT'] as const)
        for (const body of Object.keys(BODIES) as BodyName[]) {
          await new WriteCompare(method, 'ref', body).run(new Map(), { app, prefix: 'x', expected });
          const res = await call(app, 'get_derived_df', 'GET', `${FRAMES}/xref/diff`);
          expected.set(`${method} ${body}`, frameOf(res.json));
        }
      // The four writes give at least three different frames, so a GET showing the wrong one is caught.
      expect(new Set([...expected.values()].map((v) => JSON.stringify(v))).size).toBeGreaterThanOrEqual(3);
      const id = fc.constantFrom('a', 'b', 'c');
      const body = fc.constantFrom<BodyName>('forward', 'backward');
      const commands = [
        fc
          .tuple(fc.constantFrom<'POST' | 'PUT'>('POST', 'PUT'), id, body)
          .map(([m, i, b]) => new WriteCompare(m, i, b)),
        id.map((i) => new GetFrame(i)),
        id.map((i) => new DeleteCompare(i)),
      ];
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 12, size: 'medium' }), async (cmds) => {
          const prefix = `run${++run}-`;
          await fc.asyncModelRun(() => ({ model: new Map(), real: { app, prefix, expected } }), cmds);
        }),
        settings,
      );
    },
    timeout,
  );

  it(
    'datadiffs: ids grow, statuses only move forward, done results are right, list and patch agree',
    async () => {
      const create = fc.boolean().map((same) => new CreateDiff(same));
      const commands = [
        create,
        create, // twice the weight: most sequences should hold several diffs
        fc.tuple(fc.nat(5), fc.boolean()).map(([p, poll]) => new GetDiff(p, poll)),
        fc.constant(new ListDiffs()),
        fc.tuple(fc.nat(5), fc.boolean()).map(([p, a]) => new PatchDiff(p, a)),
        fc.nat(5).map((p) => new CancelDiff(p)),
      ];
      await fc.assert(
        fc.asyncProperty(
          fc.array(create, { minLength: 1, maxLength: 3 }),
          fc.commands(commands, { maxCommands: 10, size: 'medium' }),
          async (first, cmds) => {
            // A fresh server per sequence, with jobs slow enough to be seen waiting and cancelled.
            const fresh = await build('', { minPhaseMs: 40, pollMs: 1_000 });
            try {
              const source = await fresh.app.inject({
                method: 'POST',
                url: '/_mock/datafold/data_sources',
                payload: {
                  id: 1,
                  name: 'shop',
                  tables: {
                    fruit: { csv: 'id,name\n1,apple\n2,pear\n' },
                    fruit2: { csv: 'id,name\n1,apple\n2,Pear\n3,fig\n' },
                  },
                },
              });
              expect(source.statusCode).toBe(201);
              // Each sequence starts from one to three diffs, then runs the drawn commands.
              await fc.asyncModelRun(() => ({ model: new Map(), real: fresh }), [...first, ...cmds]);
            } finally {
              await fresh.app.close();
            }
          },
        ),
        jobSettings,
      );
    },
    timeout,
  );

  it(
    'admin repositories: a compare answers for the last created version, and 404 once deleted',
    async () => {
      const expected = new Map<Variant, unknown>();
      for (const variant of Object.keys(VARIANTS) as Variant[]) {
        const real = { app, namespace: 'ref', expected };
        await new CreateRepo(variant, variant).run(new Map(), real);
        const res = await call(app, 'entries_real', 'GET', entriesUrl('ref', variant));
        expected.set(variant, compareOf(res.json));
      }
      expect(expected.get('small')).not.toEqual(expected.get('large'));
      const name = fc.constantFrom('r1', 'r2');
      const commands = [
        fc.tuple(name, fc.constantFrom<Variant>('small', 'large')).map(([n, v]) => new CreateRepo(n, v)),
        name.map((n) => new CompareRepo(n)),
        name.map((n) => new DeleteRepo(n)),
      ];
      await fc.assert(
        fc.asyncProperty(fc.commands(commands, { maxCommands: 12, size: 'medium' }), async (cmds) => {
          const namespace = `run${++run}`;
          await fc.asyncModelRun(() => ({ model: new Map(), real: { app, namespace, expected } }), cmds);
        }),
        settings,
      );
    },
    timeout,
  );
});
