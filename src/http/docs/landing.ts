// The landing page at `/`: what is loaded, and links that work at once. Plain HTML, no script.
import type { DatadiffService } from '../../services/datafold/datadiffs.js';
import type { DataSourceService } from '../../services/datafold/sources.js';
import type { RepoService } from '../../services/oxen/repos.js';

export interface LandingData {
  repos: Array<{ namespace: string; name: string; headBranch: string; branches: string[] }>;
  sources: Array<{ id: number; name: string; tables: string[] }>;
  datadiffs: Array<{ id: number; status: string; table1: string; table2: string; created_at: string }>;
  /** Total stored data diffs (the list shows the most recent). */
  datadiffCount: number;
}

const RECENT_DATADIFFS = 8;

/** What the landing page lists: repositories, data sources and the most recent data diffs. */
export function landingData(
  repos: RepoService,
  sources: DataSourceService,
  datadiffs: DatadiffService,
): LandingData {
  const recent = datadiffs.list({
    order_by: 'created_at',
    sort_order: 'desc',
    page_size: String(RECENT_DATADIFFS),
  });
  // A side is a table path, or else a query or a file.
  const side = (record: Record<string, unknown>, n: 1 | 2) => {
    const table = record[`table${n}`];
    if (Array.isArray(table)) return table.join('.');
    return record[`file${n}`] ? String(record[`file${n}`]) : 'query';
  };
  return {
    repos: repos.list(),
    sources: sources.list(),
    datadiffs: recent.results.map((r) => ({
      id: r.id as number,
      status: r.status as string,
      table1: side(r, 1),
      table2: side(r, 2),
      created_at: r.created_at as string,
    })),
    datadiffCount: recent.count,
  };
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const escape = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
const link = (href: string, text = href) => `<a href="${escape(encodeURI(href))}">${escape(text)}</a>`;
/** A few compares per repository: its head branch against each other branch. */
const COMPARES_PER_REPO = 4;

function repoSection(data: LandingData): string {
  if (data.repos.length === 0)
    return '<p class="empty">No repositories. Add one with POST /_mock/oxen/repos.</p>';
  const rows = data.repos.map((repo) => {
    const base = `/api/repos/${repo.namespace}/${repo.name}`;
    const compares = repo.branches
      .filter((b) => b !== repo.headBranch)
      .slice(0, COMPARES_PER_REPO)
      .map(
        (b) =>
          `<li>${link(`${base}/compare/entries/${repo.headBranch}..${b}`, `${repo.headBranch}..${b}`)}</li>`,
      );
    return `<tr><td><code>${escape(`${repo.namespace}/${repo.name}`)}</code></td>
<td>${repo.branches.map((b) => `<code>${escape(b)}</code>`).join(' ')}</td>
<td>${compares.length ? `<ul>${compares.join('')}</ul>` : '<span class="empty">one branch</span>'}</td></tr>`;
  });
  return `<table><thead><tr><th>Repository</th><th>Branches</th><th>Compare entries</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>`;
}

function sourceSection(data: LandingData): string {
  if (data.sources.length === 0)
    return '<p class="empty">No data sources. Add one with POST /_mock/datafold/data_sources.</p>';
  const rows = data.sources.map(
    (s) =>
      `<tr><td>${s.id}</td><td>${escape(s.name)}</td><td>${s.tables.map((t) => `<code>${escape(t)}</code>`).join(' ')}</td></tr>`,
  );
  return `<table><thead><tr><th>Id</th><th>Name</th><th>Tables</th></tr></thead><tbody>${rows.join('\n')}</tbody></table>`;
}

function datadiffSection(data: LandingData): string {
  if (data.datadiffs.length === 0)
    return '<p class="empty">No data diffs yet. Create one with POST /api/v1/datadiffs.</p>';
  const rows = data.datadiffs.map(
    (d) =>
      `<tr><td>${link(`/api/v1/datadiffs/${d.id}`, String(d.id))}</td><td><span class="status ${escape(d.status)}">${escape(d.status)}</span></td>
<td><code>${escape(d.table1)}</code></td><td><code>${escape(d.table2)}</code></td><td>${escape(d.created_at)}</td></tr>`,
  );
  return `<table><thead><tr><th>Id</th><th>Status</th><th>Table 1</th><th>Table 2</th><th>Created</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
<p>${data.datadiffCount} in all: ${link('/api/v1/datadiffs?order_by=created_at&sort_order=desc', 'the list')}.</p>`;
}

export function landingPage(data: LandingData): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>diffmock</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 68rem; padding: 0 1rem; color: #1d2330; }
h1 { margin-bottom: 0; } .lead { color: #555; margin-top: .25rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; }
th, td { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #e3e6ec; vertical-align: top; }
th { background: #f4f6f9; } ul { margin: 0; padding-left: 1.1rem; } code { font-size: 13px; }
.empty { color: #888; } nav a { margin-right: 1rem; }
.status { padding: 0 .4rem; border-radius: 4px; background: #eef; } .status.done { background: #e3f6e8; }
.status.failed { background: #fde7e7; } .status.cancelled { background: #f1f1f1; }
</style></head>
<body>
<h1>diffmock</h1>
<p class="lead">The Oxen compare API and the Datafold data diffs API, computed from the data below.</p>
<nav>${link('/docs', 'API docs (Swagger UI)')} ${link('/openapi/oxen.json')} ${link('/openapi/datafold.json')} ${link('/openapi/admin.json')} ${link('/_mock/requests', 'request journal')}</nav>
<h2 id="repos">Oxen repositories</h2>
${repoSection(data)}
<h2 id="sources">Datafold data sources</h2>
${sourceSection(data)}
<h2 id="datadiffs">Recent data diffs</h2>
${datadiffSection(data)}
</body></html>
`;
}
