// Browser test of the dashboard: starts the HTTP server over the scripted fake
// Backend (pipeline/http/tests/http_test_server.cc), drives the dashboard in
// headless Chromium (Debian's chromium through playwright-core): log in with a
// token, see the rejected message with its diagnostic, reprocess it, see it
// delivered; a viewer gets no reprocess button. Fails on any console error
// (a Content-Security-Policy violation, a script error).
//
//   node dashboard_test.mjs <path to http_test_server>
// CHROMIUM=/path/to/chrome overrides /usr/bin/chromium.

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';

const require = createRequire(import.meta.url);
let chromium;
try {
  ({ chromium } = require('playwright-core'));
} catch (e) {
  console.error('playwright-core is not installed in tests/browser: run scripts/bootstrap (npm ci there)');
  process.exit(1);
}

const serverBin = process.argv[2];
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!serverBin || !existsSync(serverBin)) {
  console.error('usage: node dashboard_test.mjs <http_test_server>');
  process.exit(2);
}
if (!existsSync(executablePath)) {
  console.error(`no Chromium at ${executablePath}: run scripts/bootstrap (apt chromium)`);
  process.exit(1);
}

const kOperator = 'op-north-secret';
const kViewer = 'view-north-secret';

function startServer() {
  const child = spawn(serverBin, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/port (\d+)/);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`test server exited with ${code}`)));
  });
  return { child, port };
}

const results = { passed: 0, failed: 0 };
async function step(name, fn) {
  try {
    await fn();
    results.passed++;
    console.log(`ok - ${name}`);
  } catch (e) {
    results.failed++;
    console.log(`not ok - ${name}\n  ${e.stack || e}`);
    throw e;
  }
}

const { child, port: portPromise } = startServer();
let browser;
try {
  const port = await portPromise;
  const base = `http://127.0.0.1:${port}/`;
  const args = ['--disable-gpu', '--disable-dev-shm-usage'];
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
  browser = await chromium.launch({ executablePath, headless: true, args, timeout: 60000 });
  const page = await browser.newPage();
  page.setDefaultTimeout(15000);
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push('console: ' + m.text()); });
  page.on('pageerror', (e) => problems.push('page error: ' + e.message));

  await step('the login form is shown', async () => {
    await page.goto(base);
    await page.locator('#token').waitFor({ state: 'visible' });
  });

  await step('an unknown token is refused', async () => {
    await page.fill('#token', 'wrong-token');
    await page.click('#login-form button[type=submit]');
    await page.locator('#login-error', { hasText: 'Unknown token' }).waitFor();
    problems.length = 0;  // the browser logs the expected 401
  });

  await step('log in as operator of tenant north', async () => {
    await page.fill('#token', kOperator);
    await page.click('#login-form button[type=submit]');
    await page.locator('[data-testid=who]', { hasText: 'op-north' }).waitFor();
    await page.locator('#flow tbody td', { hasText: 'plans-in' }).waitFor();
    assert.ok(await page.locator('#chart svg polyline').count() >= 1, 'the chart draws lines');
  });

  await step('the rejected message is listed with its diagnostic', async () => {
    await page.click('#tabs button[data-view=action]');
    const card = page.locator('[data-testid=message-1]');
    await card.waitFor();
    assert.equal(await card.locator('[data-testid=state]').textContent(), 'rejected');
    assert.match(await card.textContent(), /JSN005/);
    assert.match(await card.textContent(), /unknown document kind/);
    assert.equal(await page.locator('#action-count').textContent(), '1');
  });

  await step('reprocess it and see it delivered', async () => {
    await page.click('[data-testid=reprocess-1]');
    await page.locator('[data-testid=status]', { hasText: 'now delivered' }).waitFor();
    await page.locator('#action-list', { hasText: 'Nothing here' }).waitFor();
    await page.click('#tabs button[data-view=messages]');
    const row = page.locator('[data-testid=row-1]');
    await row.waitFor();
    assert.equal(await row.locator('[data-testid=state]').textContent(), 'delivered');
    await row.click();
    await page.locator('#detail', { hasText: 'token:op-north' }).waitFor();
  });

  await step('a viewer sees no reprocess button', async () => {
    await page.click('#logout');
    await page.fill('#token', kViewer);
    await page.click('#login-form button[type=submit]');
    await page.locator('[data-testid=who]', { hasText: 'viewer' }).waitFor();
    await page.click('#tabs button[data-view=messages]');
    await page.locator('[data-testid=row-1]').click();
    await page.locator('#detail h2').waitFor();
    assert.equal(await page.locator('[data-testid=reprocess-1]').isVisible(), false);
  });

  await step('no console errors', async () => {
    assert.deepEqual(problems, []);
  });
} catch (e) {
  if (results.failed === 0) {
    results.failed++;
    console.log(`not ok - setup\n  ${e.stack || e}`);
  }
} finally {
  if (browser) await browser.close();
  child.stdin.end();
  console.log(`${results.passed} passed, ${results.failed} failed`);
  process.exitCode = results.failed ? 1 : 0;
}
