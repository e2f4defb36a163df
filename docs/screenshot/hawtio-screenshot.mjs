// Screenshots of Hawtio connected to pmta-tracking: docs/hawtio-route-diagram.png (Camel > routes >
// Route Diagram: every dataflow's route with live exchange counts per step), docs/hawtio-routes.png
// (Camel > routes) and docs/hawtio-counters.png (JMX > io.github.pmtatracking > tracker > stats). Also prints every
// Jolokia request the app refused or failed while Hawtio was driven (its access policy at work).
//
// Needs: the app running (with some traffic), bin/hawtio running, Debian's chromium, and
// playwright-core installed outside the work tree:
//   apt-get install -y chromium
//   mkdir -p /tmp/pw && (cd /tmp/pw && npm install playwright-core)
//   node docs/screenshot/hawtio-screenshot.mjs
// Environment: HAWTIO_URL (default http://127.0.0.1:8080/, what bin/hawtio prints),
// PLAYWRIGHT_DIR (default /tmp/pw), CHROMIUM (default /usr/bin/chromium), OUT_DIR (default docs/).
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const pwDir = process.env.PLAYWRIGHT_DIR || '/tmp/pw';
const { chromium } = createRequire(join(pwDir, 'package.json'))('playwright-core');
const url = process.env.HAWTIO_URL || 'http://127.0.0.1:8080/';
const out = process.env.OUT_DIR || join(dirname(fileURLToPath(import.meta.url)), '..');

const profile = mkdtempSync(join(tmpdir(), 'hawtio-shot-')); // a fresh profile: no saved connections
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1400, height: 800 },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const page = context.pages()[0] ?? await context.newPage();

// Hawtio talks to the app through its proxy, bulk requests in, one status per request out:
// HTTP 200 may still carry a 403 inside.
const refused = new Map();
page.on('response', async (res) => {
  if (!res.url().includes('/proxy/')) return;
  let sent, got;
  try { sent = JSON.parse(res.request().postData() ?? 'null'); got = await res.json(); } catch { return; }
  const reqs = [].concat(sent), results = [].concat(got);
  results.forEach((r, i) => {
    if (r?.status && r.status !== 200) {
      const q = r.request ?? reqs[i] ?? {};
      const what = [q.type, q.mbean ?? q.path, q.operation ?? q.attribute].filter(Boolean).join(' ');
      refused.set(`${r.status} ${what}`, r.error);
    }
  });
});

const node = (text) => page.locator('.pf-v5-c-tree-view__node-text').filter({ hasText: new RegExp(`^${text}$`) }).first();
try {
  // bin/hawtio's page at / saves the connection and opens /hawtio/?con=pmta-tracking.
  await page.goto(url);
  await node('routes').waitFor({ timeout: 60000 });
  await node('routes').click();
  await page.getByRole('gridcell', { name: 'wrapper', exact: true }).waitFor();
  await page.waitForTimeout(6000); // a poll or two of the counters
  await page.screenshot({ path: join(out, 'hawtio-routes.png') });

  // the Route Diagram calls dumpRoutesAsXml() and dumpRoutesStatsAsXml(true,true) (jolokia-access.xml)
  await page.locator('a, button', { hasText: /^Route Diagram$/ }).first().click();
  await page.locator('.react-flow__node').first().waitFor({ timeout: 30000 });
  await page.waitForTimeout(6000); // a poll or two of the counts
  await page.screenshot({ path: join(out, 'hawtio-route-diagram.png') });
  await page.locator('a, button', { hasText: /^Routes$/ }).first().click();

  await page.locator('nav a', { hasText: /^JMX$/ }).click();
  // JMX tree: expand the domain, then the type=tracker folder, and select its name=stats MBean.
  const item = (id) => page.locator(`li[role=treeitem][id="${id}"]`);
  await item('io.github.pmtatracking-folder').locator('> div button.pf-v5-c-tree-view__node-toggle').click();
  const tracker = item('io.github.pmtatracking-folder-tracker-folder');
  await tracker.locator('> div button.pf-v5-c-tree-view__node-toggle').click();
  await tracker.locator('ul li .pf-v5-c-tree-view__node-text', { hasText: /^stats$/ }).click();
  await page.getByText('Pushed', { exact: true }).first().waitFor();
  await page.waitForTimeout(2000);
  await page.screenshot({ path: join(out, 'hawtio-counters.png') });
} finally {
  console.log(`Jolokia requests refused or failed (${refused.size}):`);
  for (const [k, v] of refused) console.log(`  ${k}\n      ${v}`);
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
