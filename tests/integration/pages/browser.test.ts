import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DevStack, startDev } from '../../../local/dev.ts';
import { createDevLog } from '../../../local/dev-log.ts';
import { buildSeedNextVersion, SEED_ID, SEED_TEXT } from '../../builders/seed-versions.ts';
import { freePorts, waitUntil } from '../local/dev-process.ts';

/** Debian's chromium (`apt-get install chromium`); CHROMIUM_PATH points elsewhere. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const HAS_CHROMIUM = existsSync(CHROMIUM);
// In CI the test must run: a missing browser fails it there instead of skipping it.
const RUN = HAS_CHROMIUM || Boolean(process.env.CI);
if (!RUN) {
  console.warn(
    `\n${'!'.repeat(78)}\n!! SKIPPED: the pages browser test needs Chromium at ${CHROMIUM}.\n` +
      `!! Install it with: apt-get install -y chromium   (CI installs it and never skips)\n${'!'.repeat(78)}\n`,
  );
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const HOSTILE_TITLE = '<script>alert(1)</script> "><img src=x onerror=alert(2)> ]]> AT&amp;T مرحبا 🌳';
const HOSTILE_STORY = `v1.0\n${HOSTILE_TITLE}\n2024-07-07 08:00:00\n\n${HOSTILE_TITLE} is a title; the body cites [abcdef12].\n`;

let stack: DevStack;
let browser: Browser;
let base: string;
let root: string;
const screenshots = process.env.STORYFEED_SCREENSHOTS_DIR ?? mkdtempSync(join(tmpdir(), 'storyfeed-pages-'));

interface PageCheck {
  path: string;
  /** Text that must be visible on the page. */
  visible: string;
  status?: number;
  /** Screenshot name (saved at 375 and 1280 px). */
  shot?: string;
}

const PAGES: PageCheck[] = [
  { path: '/', visible: 'Shenzhen and Xuhui', shot: 'home' },
  { path: `/read/${SEED_ID}`, visible: "China's plan to drive innovation", shot: 'story' },
  { path: `/read/${SEED_ID}/v0.12`, visible: "China's plan to drive innovation", shot: 'version' },
  { path: `/read/${SEED_ID}/changes`, visible: '95.1 billion yuan', shot: 'changes' },
  { path: '/cited/25773905', visible: 'Shenzhen and Xuhui', shot: 'cited' },
  { path: '/read/hostile', visible: HOSTILE_TITLE },
  { path: `/read/${SEED_ID}/v9.9`, visible: `no version v9.9 of story ${SEED_ID}`, status: 404 },
];

beforeAll(async () => {
  if (!RUN) return;
  root = mkdtempSync(join(tmpdir(), 'storyfeed-browser-'));
  const seeds = join(root, 'seeds');
  mkdirSync(seeds);
  writeFileSync(join(seeds, `000_${SEED_ID}.txt`), SEED_TEXT);
  writeFileSync(join(seeds, `001_${SEED_ID}.txt`), buildSeedNextVersion());
  writeFileSync(join(seeds, 'hostile.txt'), HOSTILE_STORY);
  const ports = await freePorts();
  stack = await startDev({
    port: Number(ports.PORT),
    s3Port: Number(ports.S3_PORT),
    dynamodbPort: Number(ports.DYNAMODB_PORT),
    dataDir: join(root, 'data'),
    seedsDir: seeds,
    log: createDevLog(false, () => {}),
  });
  base = stack.urls.api.replace(/\/+$/, '');
  await waitUntil(async () => {
    const response = await fetch(`${base}/stories/${SEED_ID}`);
    const story = response.ok ? ((await response.json()) as { versions: string[] }) : undefined;
    const hostile = await fetch(`${base}/stories/hostile`);
    return story?.versions.length === 2 && hostile.ok ? true : undefined;
  }, 60_000);
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
  if (RUN) console.log(`pages browser test: screenshots in ${screenshots}`);
});

/** Loads a page at a width; returns the console errors it logged (a CSP violation is one). */
async function open(path: string, width: number): Promise<{ page: Page; errors: string[]; status: number }> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  const response = await page.goto(`${base}${path}`, { waitUntil: 'load' });
  return { page, errors, status: response?.status() ?? 0 };
}

describe.skipIf(!RUN)('the pages in headless Chromium', () => {
  it('load without console errors, with the stylesheet, no horizontal scroll at 375 px and the story visible', async () => {
    for (const check of PAGES) {
      for (const width of [375, 1280]) {
        const { page, errors, status } = await open(check.path, width);
        const label = `${check.path} @ ${width}px`;
        expect(status, label).toBe(check.status ?? 200);
        // A failed page's document status is logged as a resource error; nothing else may be.
        const unexpected = errors.filter(
          (text) => !(check.status && text.includes(`status of ${check.status}`)),
        );
        expect(unexpected, label).toEqual([]);
        // Evaluated as text in the page (this project compiles without the DOM types).
        const layout = (await page.evaluate(`({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
          font: getComputedStyle(document.body).fontFamily,
          scripts: document.scripts.length,
        })`)) as { scrollWidth: number; innerWidth: number; font: string; scripts: number };
        expect(layout.font, `${label}: the stylesheet applies`).toContain('Georgia');
        expect(layout.scrollWidth, `${label}: no horizontal scroll`).toBeLessThanOrEqual(layout.innerWidth);
        expect(layout.scripts, label).toBe(0);
        await expect
          .poll(() => page.getByText(check.visible).first().isVisible(), { timeout: 2_000 })
          .toBe(true);
        if (check.shot) {
          await page.screenshot({ path: join(screenshots, `${check.shot}-${width}.png`), fullPage: true });
        }
        await page.close();
      }
    }
  }, 120_000);

  it('have no serious or critical axe-core violation', async () => {
    for (const check of PAGES) {
      const { page } = await open(check.path, 1280);
      // Evaluated through the DevTools protocol, which the page's CSP does not govern.
      await page.evaluate(AXE_SOURCE);
      const violations = (await page.evaluate(`axe.run().then((result) =>
        result.violations.map(({ id, impact, nodes }) => ({ id, impact, nodes: nodes.length })))`)) as Array<{
        id: string;
        impact: string;
        nodes: number;
      }>;
      expect(
        violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical'),
        check.path,
      ).toEqual([]);
      await page.close();
    }
  }, 120_000);

  it('runs no script from a hostile title: it shows as text', async () => {
    const { page, errors } = await open('/read/hostile', 1280);
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    expect(await page.locator('h1').textContent()).toBe(HOSTILE_TITLE);
    expect(await page.locator('img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('links every feed entry to a page that answers 200 text/html', async () => {
    const alternates = new Set<string>();
    for (const feed of ['/feeds/latest', `/stories/${SEED_ID}/feed`]) {
      const atom = await (await fetch(`${base}${feed}.atom`)).text();
      for (const match of atom.matchAll(/<link rel="alternate" type="text\/html" href="([^"]+)"\/>/g)) {
        alternates.add(match[1] ?? '');
      }
      const json = (await (await fetch(`${base}${feed}.json`)).json()) as { items: Array<{ url: string }> };
      for (const item of json.items) alternates.add(item.url);
    }
    expect(alternates).toContain(`${base}/read/${SEED_ID}/v0.12`);
    for (const url of alternates) {
      const response = await fetch(url);
      expect(response.status, url).toBe(200);
      expect(response.headers.get('content-type'), url).toBe('text/html; charset=utf-8');
    }
  });
});
