// Load: a mixed workload of both APIs at 100 connections with autocannon, against the built CLI in a
// process of its own (defaults: response validation warn; logs off). BENCH_LOAD_SECONDS sets the
// duration (60). Memory is the server's RSS, read from /proc.
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { printTable, startCli } from './table.js';

const SECONDS = Number(process.env.BENCH_LOAD_SECONDS ?? 60);
const { url, child: server, stop } = await startCli();
const repo = '/api/repos/ox/compare-datasets/compare';
const requests = [
  { method: 'GET', path: `${repo}/entries/main..feature/add-labels` },
  { method: 'GET', path: `${repo}/file/main..feature/add-labels/data/train/labels.csv` },
  { method: 'GET', path: `${repo}/file/main..feature/add-labels/README.md` },
  { method: 'GET', path: '/api/v1/datadiffs?status=done&order_by=created_at&sort_order=desc&page_size=20' },
  { method: 'GET', path: '/api/v1/datadiffs/130' },
  { method: 'GET', path: '/api/v1/datadiffs/130/summary_results' },
] as const;
const mb = () =>
  Math.round(Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]) / 1024);

// Warm up (validators compile on first use), then measure.
await autocannon({ url: url, connections: 10, duration: 2, requests: [...requests] });
const before = mb();
const result = await autocannon({
  url: url,
  connections: 100,
  duration: SECONDS,
  requests: [...requests],
});
const peak = mb();
await sleep(5000);
const after = mb();
await stop();
printTable([
  [`mixed load, 100 connections, ${SECONDS} s`, `${Math.round(result.requests.average)} req/s`],
  ['latency p50 / p99', `${result.latency.p50} ms / ${result.latency.p99} ms`],
  ['errors / non-2xx / timeouts', `${result.errors} / ${result.non2xx} / ${result.timeouts}`],
  ['server rss before / at the end / 5 s later', `${before} / ${peak} / ${after} MB`],
]);
if (result.errors > 0 || result.non2xx > 0) process.exitCode = 1;
