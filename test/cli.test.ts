import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';

// The CLI as a user runs it: a real process, real signals, real files.
const CLI = new URL('../src/cli.ts', import.meta.url).pathname;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'diffmock-cli-'));
  dirs.push(dir);
  return dir;
};
const children: ChildProcess[] = [];
afterAll(() => {
  // A failed test must not leave its server running.
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

interface Cli {
  url: string;
  child: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  exited: Promise<number | null>;
}

async function startCli(args: string[]): Promise<Cli> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', CLI, '--port', '0', '--log-format', 'json', ...args],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  const lines: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const url = await new Promise<string>((found, failed) => {
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split('\n');
      buffered = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        const match = /^diffmock listening on (\S+)$/.exec(line);
        if (match) found(match[1]!);
      }
    });
    void exited.then((code) => failed(new Error(`the CLI exited with ${code}: ${stderr}`)));
  });
  return { url, child, lines, exited };
}

type Json = Record<string, unknown>;
const logLines = (cli: Cli) =>
  cli.lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);

async function until<T>(probe: () => Promise<T | undefined>, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error('timed out waiting');
    await sleep(50);
  }
}

const repoDoc = (text: string) =>
  JSON.stringify({
    namespace: 'w',
    name: 'r',
    commits: [
      { ref: 'one', files: { 'a.txt': 'first\n' } },
      { ref: 'two', branch: 'dev', files: { 'a.txt': text } },
    ],
  });

describe('the diffmock command', { timeout: 30_000 }, () => {
  it('logs one JSON line per request', async () => {
    const cli = await startCli(['--data', '']);
    await fetch(`${cli.url}/api/v1/datadiffs?page_size=1`);
    await fetch(`${cli.url}/_mock/health`);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
    const requests = logLines(cli).filter((l) => l.msg === 'request');
    expect(requests.map((l) => [l.method, l.url, l.status])).toEqual([
      ['GET', '/api/v1/datadiffs?page_size=1', 200],
      ['GET', '/_mock/health', 200],
    ]);
    expect(requests.every((l) => typeof l.ms === 'number' && l.level === 30)).toBe(true);
  });

  it('on SIGTERM finishes the request in flight, exits 0, and a running job resumes at the next start', async () => {
    const db = join(tempDir(), 'state.sqlite');
    const args = ['--db', db, '--min-phase-ms', '1500'];
    const first = await startCli(args);
    const created = (await (
      await fetch(`${first.url}/api/v1/datadiffs`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          data_source1_id: 1,
          data_source2_id: 2,
          table1: ['ANALYTICS', 'PUBLIC', 'ORDERS'],
          table2: ['ANALYTICS', 'DEV', 'ORDERS'],
          pk_columns: ['order_id'],
        }),
      })
    ).json()) as { id: number };
    const inFlight = fetch(`${first.url}/api/v1/datadiffs/${created.id}`, {
      headers: { prefer: 'delay=600' },
    });
    await sleep(150);
    first.child.kill('SIGTERM');
    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { status: string }).status).not.toBe('done');
    expect(await first.exited).toBe(0);

    const second = await startCli([...args, '--min-phase-ms', '0']);
    const done = await until(async () => {
      const record = (await (await fetch(`${second.url}/api/v1/datadiffs/${created.id}`)).json()) as {
        status: string;
        diff_stats: unknown;
      };
      return record.status === 'done' ? record : undefined;
    });
    expect(done.diff_stats).not.toBeNull();
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('with --watch on, reloads changed fixtures and keeps the old ones when a file is broken', async () => {
    const data = tempDir();
    const repo = join(data, 'oxen', 'w', 'r');
    mkdirSync(repo, { recursive: true });
    writeFileSync(join(repo, 'repo.json'), repoDoc('first\n'));
    const cli = await startCli(['--data', data, '--watch', 'on']);
    const counts = async () =>
      (
        (await (await fetch(`${cli.url}/api/repos/w/r/compare/entries/main..dev`)).json()) as {
          compare: { counts: { modified: number } };
        }
      ).compare.counts.modified;
    expect(await counts()).toBe(0);

    writeFileSync(join(repo, 'repo.json'), repoDoc('second\n'));
    await until(async () => ((await counts()) === 1 ? true : undefined));

    writeFileSync(join(repo, 'repo.json'), '{ "namespace": ');
    await until(async () => (logLines(cli).some((l) => l.level === 40) ? true : undefined));
    expect(await counts()).toBe(1);
    expect(String(logLines(cli).find((l) => l.level === 40)!.msg)).toContain('fixtures not reloaded');
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('after a SIGKILL mid-write keeps every acknowledged record, a sound database, and no job stuck', async () => {
    const db = join(tempDir(), 'crash.sqlite');
    const first = await startCli(['--db', db, '--min-phase-ms', '200']);
    const created: number[] = [];
    const seeded = new Map<number, number>(); // id -> ci_run_id sent
    let writing = true;
    const post = (path: string, body: unknown) =>
      fetch(`${first.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // Two writers racing the kill: jobs through the API, batches of records through the admin API.
    const jobs = (async () => {
      while (writing) {
        const res = await post('/api/v1/datadiffs', {
          data_source1_id: 1,
          data_source2_id: 2,
          table1: ['ANALYTICS', 'PUBLIC', 'ORDERS'],
          table2: ['ANALYTICS', 'DEV', 'ORDERS'],
          pk_columns: ['order_id'],
        }).catch(() => null);
        if (res?.status === 200) created.push(((await res.json()) as { id: number }).id);
      }
    })();
    const batches = (async () => {
      for (let batch = 0; writing; batch++) {
        const runs = Array.from({ length: 200 }, (_, i) => batch * 1000 + i);
        const res = await post(
          '/_mock/datafold/datadiffs',
          runs.map((run) => ({ data_source1_id: 1, data_source2_id: 2, pk_columns: ['id'], ci_run_id: run })),
        ).catch(() => null);
        if (res?.status === 201) {
          const { ids } = (await res.json()) as { ids: number[] };
          ids.forEach((id, i) => seeded.set(id, runs[i]!));
        }
      }
    })();
    await sleep(1200);
    first.child.kill('SIGKILL');
    await first.exited;
    writing = false;
    await Promise.all([jobs, batches]);
    expect(created.length).toBeGreaterThan(0);
    expect(seeded.size).toBeGreaterThan(0);

    const check = new Database(db, { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();

    const second = await startCli(['--db', db]);
    const get = async (id: number, poll = false) =>
      (await (await fetch(`${second.url}/api/v1/datadiffs/${id}${poll ? '?poll=true' : ''}`)).json()) as Json;
    for (const [id, run] of seeded) expect((await get(id)).ci_run_id, `record ${id}`).toBe(run);
    for (const id of created) {
      const record = await get(id, true);
      expect(['done', 'failed'], `job ${id}`).toContain(record.status);
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
