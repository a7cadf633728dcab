/**
 * The status and live-tail page in headless Chromium (Debian's `chromium`, driven by
 * playwright-core): a real ringlogd, a real collector, a Spread sender, and the page showing
 * /status and the lines of its live tail. Skipped, with the reason, where Chromium is missing.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTempDir, waitUntil } from '../../daemon/test/support/processes.ts';
import { CollectorTracker, collectorReady, connectSender, sendLines, startRinglogd, writeCollectorYaml } from './support/collector-fixture.ts';

const CHROMIUM = '/usr/bin/chromium';
const SKIP_REASON = `${CHROMIUM} is missing (Debian package chromium: apt-get install chromium; .ci/run installs it)`;
const BROWSER_TEST_MS = 120_000;

const tracker = new CollectorTracker();
const cleanups: (() => Promise<unknown> | unknown)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await tracker.killAll();
});

/** Problems the page reports: uncaught errors, and console errors (a CSP violation is one). */
function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console: ${message.text()}`);
  });
  return problems;
}

async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).textContent()) ?? '';
}

/** Waits until the element's whole text is `text` (the page updates it on its own). */
async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  const exact = new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
  await page.locator(selector).filter({ hasText: exact }).waitFor();
}

async function startStack(): Promise<{ adminUrl: string; endpoint: string }> {
  const temp = await makeTempDir();
  cleanups.push(temp.remove);
  const { endpoint } = await startRinglogd(tracker, temp.dir);
  const collector = tracker.collector(['-c', await writeCollectorYaml(temp.dir, { endpoint, root: join(temp.dir, 'www') })]);
  return { adminUrl: await collectorReady(collector), endpoint };
}

async function launch(): Promise<Browser> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  cleanups.push(() => browser.close());
  return browser;
}

const available = existsSync(CHROMIUM);
if (!available) console.warn(`live-page-browser.test.ts: skipped: ${SKIP_REASON}`);

describe('live page - headless Chromium', () => {
  it.skipIf(!available)(
    'page - shows /status, tails the lines its filter keeps, and shows markup as text',
    async () => {
      const { adminUrl, endpoint } = await startStack();
      const page = await (await launch()).newPage();
      const problems = watchProblems(page);
      const response = await page.goto(`${adminUrl}/`);
      expect(response?.headers()['content-security-policy']).toContain("default-src 'none'");
      await waitForText(page, '#connected', 'yes');
      expect(await textOf(page, '#groups')).toBe('www');

      await page.fill('#vhosts', 'a.example.com');
      await page.click('#start');
      await waitForText(page, '#tail-state', 'live');
      const sender = await connectSender(endpoint);
      cleanups.push(() => sender.disconnect());
      const hostile = 'a.example.com "GET /<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2">" 200 3';
      await sendLines(sender, ['a.example.com "GET /1" 200 1', 'b.example.com "GET /2" 200 2', hostile]);
      await page.locator('#lines .line').nth(1).waitFor();
      expect(await page.locator('#lines .line').allTextContents()).toEqual(['a.example.com "GET /1" 200 1', hostile]);
      expect(await page.evaluate('window.pwned')).toBeUndefined();
      expect(await page.locator('#lines script, #lines img').count()).toBe(0);
      expect(await textOf(page, '#line-count')).toBe('2');
      // /status refreshes by itself: the page catches up with the one message (sendLines packs lines).
      await waitForText(page, '#messages', '1');
      expect(await page.locator('#logs tr td').first().textContent()).toBe('www');
      expect(problems).toEqual([]);
    },
    BROWSER_TEST_MS,
  );

  it.skipIf(!available)(
    'page - an invalid regular expression is reported on the page, and Stop ends the stream',
    async () => {
      const { adminUrl } = await startStack();
      const page = await (await launch()).newPage();
      const problems = watchProblems(page);
      await page.goto(`${adminUrl}/`);
      await page.fill('#grep', '(');
      await page.click('#start');
      expect(await textOf(page, '#tail-state')).toMatch(/^invalid regular expression: /);
      await page.fill('#grep', 'GET');
      await page.click('#start');
      await waitForText(page, '#tail-state', 'live');
      const clients = async (): Promise<string> => /^ringlog_collector_tail_clients (\d+)$/m.exec(await (await fetch(`${adminUrl}/metrics`)).text())?.[1] ?? '';
      expect(await clients()).toBe('1');
      await page.click('#stop');
      await waitUntil(async () => (await clients()) === '0', 'the stopped stream to be forgotten');
      expect(await textOf(page, '#tail-state')).toBe('stopped');
      expect(problems).toEqual([]);
    },
    BROWSER_TEST_MS,
  );
});
