import { existsSync, mkdirSync, statSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type MockServer } from '../../src/index.js';

// The pages for people, rendered by Debian's Chromium (.ci/run installs it: `apt-get install chromium`).
// Screenshots land in test-output/ and their paths are printed.
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = new URL('../../test-output/', import.meta.url).pathname;

let mock: MockServer;
let browser: Browser;
beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  mkdirSync(SHOTS, { recursive: true });
  [mock, browser] = await Promise.all([
    startMockServer(),
    chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--no-first-run',
      ],
    }),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await mock?.close();
});

async function screenshot(page: Page, name: string): Promise<void> {
  const path = `${SHOTS}${name}.png`;
  await page.screenshot({ path, fullPage: true });
  console.log(`screenshot: ${path}`);
  // A blank page compresses to almost nothing; a rendered one does not.
  expect(statSync(path).size).toBeGreaterThan(20_000);
}

describe('in a browser', { timeout: 60_000 }, () => {
  it('the landing page lists repositories, data sources and recent diffs, and its links answer', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`${mock.url}/`);
    await expect(page.locator('h1').textContent()).resolves.toBe('diffmock');
    await expect(page.locator('#repos + table').textContent()).resolves.toContain('ox/compare-datasets');
    await expect(page.locator('#sources + table').textContent()).resolves.toContain('production');
    expect(await page.locator('#datadiffs + table tbody tr').count()).toBe(8);
    await screenshot(page, 'landing');

    const compare = page.locator('a', { hasText: 'main..feature/add-labels' });
    const [response] = await Promise.all([page.waitForResponse(/compare\/entries/), compare.click()]);
    expect(response.status()).toBe(200);
    expect(((await response.json()) as { compare: { counts: object } }).compare.counts).toBeDefined();
    await page.close();
  });

  it('the docs UI lists the three contracts and calls this server', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(`${mock.url}/docs`);
    await page.locator('.swagger-ui .info .title').waitFor();
    const definitions = await page.locator('.topbar select option').allTextContents();
    expect(definitions).toEqual(['Oxen compare API', 'Datafold data diffs API', 'diffmock admin API']);
    await screenshot(page, 'docs-oxen');

    await page.locator('.topbar select').selectOption({ label: 'diffmock admin API' });
    await expect(page.locator('.swagger-ui .info .title').textContent()).resolves.toContain(
      'diffmock admin API',
    );
    const health = page.locator('.opblock', { has: page.locator('[data-path="/_mock/health"]') });
    await health.locator('.opblock-summary').click();
    // tryItOutEnabled: the form is open at once, Execute is there.
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${mock.url}/_mock/health`),
      health.locator('button.execute').click(),
    ]);
    expect(answer.status()).toBe(200);
    // The live response as the UI shows it: its status cell and the body it received.
    const live = health.locator('.live-responses-table tbody .response-col_status');
    await live.first().waitFor();
    await expect(live.first().textContent()).resolves.toContain('200');
    await expect(
      health.locator('.live-responses-table .microlight').first().textContent(),
    ).resolves.toContain('ok');
    await screenshot(page, 'docs-try-it-out');
    await page.close();
  });
});
