// The admin page /ui (docs/observability.md, "Admin page") driven in real headless Chromium (Debian's `chromium`,
// through playwright-core) against the real gateway and the fake upstream replaying recorded fixtures.
// UI_SCREENSHOTS=1 also writes docs/images/admin-ui-{desktop,phone}.png.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import { chromium } from 'playwright-core';
import { MODELS, gatewayConfigYaml, readFixtureJson, repoRoot, startStack } from './harness.mjs';

const OK_FIXTURE = 'envoy__chat-basic.0.json';
const ADMIN_KEY = 'ui-admin-key-5150-secret';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

/** Debian's chromium: SWITCHYARD_CHROMIUM, else `which chromium`. Missing is a failure, never a skip. */
function chromiumPath() {
  const given = process.env.SWITCHYARD_CHROMIUM;
  if (given) {
    if (!fs.existsSync(given)) {
      throw new Error(`SWITCHYARD_CHROMIUM=${given} does not exist`);
    }
    return given;
  }
  try {
    const found = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
    if (found) {
      return found;
    }
  } catch {
    // not on PATH
  }
  throw new Error('chromium is not installed: the /ui browser test needs Debian\'s chromium on PATH '
    + '(apt-get install -y chromium; .ci/run installs it when missing)');
}

/**
 * Launches chromium, or returns the reason it could not. The caller's test throws that reason: a failing `before`
 * hook would only mark the tests "cancelled", which the suite's summary does not count as failed.
 */
async function launch() {
  try {
    return { browser: await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, headless: true, timeout: 30_000 }) };
  } catch (err) {
    return { error: err };
  }
}

function browserOf(launched) {
  if (launched.error) {
    throw launched.error;
  }
  return launched.browser;
}

/** Console errors and uncaught exceptions of a page, and every URL it requested. */
function watch(page) {
  const seen = { errors: [], urls: [] };
  page.on('console', (m) => {
    if (m.type() === 'error') {
      seen.errors.push(m.text());
    }
  });
  page.on('pageerror', (e) => seen.errors.push('uncaught: ' + e.message));
  page.on('request', (r) => seen.urls.push(r.url()));
  return seen;
}

async function chat(gateway, model) {
  const res = await fetch(`${gateway.apiBase}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer client-key' },
    body: JSON.stringify({ model, max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
    signal: AbortSignal.timeout(20_000),
  });
  return { status: res.status, body: await res.text() };
}

async function adminGet(gateway, p, key) {
  const res = await fetch(gateway.baseUrl + p, { headers: key ? { authorization: `Bearer ${key}` } : {}, signal: AbortSignal.timeout(10_000) });
  await res.body?.cancel();
  return res.status;
}

describe('admin page /ui in headless Chromium', () => {
  let stack;
  let launched;

  before(async () => {
    launched = await launch();
    stack = await startStack({
      config: (port) => gatewayConfigYaml(port, { extra: 'circuit_breaker: {failure_threshold: 2, cooldown: 10m}\n' }),
    });
  });

  after(async () => {
    await launched?.browser?.close();
    await stack?.stop();
  });

  test('live page: deployments, a request in Recent within 5 s with its explanation, an endpoint forced open, no console errors', async () => {
    const context = await browserOf(launched).newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const seen = watch(page);
    try {
      const response = await page.goto(`${stack.gateway.baseUrl}/ui`);
      assert.equal(response.status(), 200);
      assert.equal(new URL(page.url()).pathname, '/ui/');

      // Deployments: every configured endpoint, healthy before any traffic.
      const row = page.locator(`#deployments-table tbody tr[data-endpoint="${MODELS.openai}"]`);
      await row.waitFor({ timeout: 10_000 });
      assert.equal(await row.getAttribute('data-state'), 'closed');
      assert.equal((await row.locator('.state').textContent()).trim(), 'healthy');
      assert.equal(await page.locator('#deployments-table tbody tr').count(), Object.keys(MODELS).length);
      await page.locator('#status[data-state="live"]').waitFor({ timeout: 5_000 });

      // A request made now shows up in Recent requests within 5 s, with the model asked for and the one that served.
      stack.upstream.enqueue(OK_FIXTURE);
      const ok = await chat(stack.gateway, 'fast');
      assert.equal(ok.status, 200, ok.body);
      const usage = readFixtureJson(OK_FIXTURE).usage;
      const recentRow = page.locator('#recent-table tbody tr[data-requested="fast"]');
      await recentRow.waitFor({ timeout: 5_000 });
      assert.equal(await recentRow.getAttribute('data-served'), MODELS.openai);
      const cells = await recentRow.locator('td').allTextContents();
      assert.ok(cells.some((c) => c.includes("alias 'fast'")), `why names the alias: ${cells}`);
      assert.ok(cells.includes(`${usage.prompt_tokens} / ${usage.completion_tokens}`), `tokens from the fixture's usage: ${cells}`);
      assert.ok(cells.includes('200'), `status 200: ${cells}`);

      // Clicking it shows its explanation (the x-switchyard-explain data) and its attempts.
      await recentRow.click();
      await page.locator('#detail:not([hidden])').waitFor({ timeout: 5_000 });
      await page.waitForFunction(() => document.querySelector('#detail-body').textContent.includes('"explanation"'), null, { timeout: 5_000 });
      const detail = JSON.parse(await page.locator('#detail-body').textContent());
      assert.equal(detail.explanation.method, 'direct');
      assert.equal(detail.explanation.explanation.via_alias, 'fast');
      assert.deepEqual(detail.explanation.models, [MODELS.openai]);
      assert.equal(detail.attempts.length, 1);
      assert.equal(detail.attempts[0].outcome, 'ok');

      // The deepseek endpoint answers 503 until its breaker (failure_threshold 2) opens; the page shows it open.
      for (let i = 0; i < 4; i++) {
        stack.upstream.enqueue({ status: 503, body: { error: { message: 'overloaded', type: 'server_error' } } });
      }
      for (let i = 0; i < 2; i++) {
        const failed = await chat(stack.gateway, MODELS.deepseek);
        assert.equal(failed.status, 503, failed.body);
      }
      const open = page.locator(`#deployments-table tbody tr[data-endpoint="${MODELS.deepseek}"][data-state="open"]`);
      await open.waitFor({ timeout: 5_000 });
      assert.equal((await open.locator('.state').textContent()).trim(), 'open');
      assert.equal(await row.getAttribute('data-state'), 'closed', 'the other endpoints stay healthy');

      // Traffic charts drawn; the config is shown without its keys.
      await page.waitForFunction(() => document.querySelector('#traffic-note').textContent.startsWith('3 requests'), null, { timeout: 5_000 });
      assert.equal(await page.locator('#traffic svg polyline').count(), 5);
      const yaml = await page.locator('#config-yaml').textContent();
      assert.match(yaml, /model_providers:/);
      assert.match(yaml, /access_key: <redacted>/);
      for (const key of ['test-key', 'ds-key', 'ant-key', 'gem-key', 'bedrock-key']) {
        assert.ok(!yaml.includes(key), `${key} is not shown`);
      }

      if (process.env.UI_SCREENSHOTS === '1') {
        await screenshots(page, context);
      }

      assert.deepEqual(seen.errors, [], 'no console errors');
    } finally {
      await context.close();
    }
  });
});

describe('admin page /ui with admin.api_key', () => {
  let stack;
  let launched;

  before(async () => {
    launched = await launch();
    stack = await startStack({ config: (port) => gatewayConfigYaml(port, { extra: `admin:\n  api_key: ${ADMIN_KEY}\n` }) });
  });

  after(async () => {
    await launched?.browser?.close();
    await stack?.stop();
  });

  test('data endpoints answer 401 without the key; the page asks for it, refuses a wrong one and works with it, never putting it in a URL', async () => {
    for (const p of ['/v1/admin/events', '/v1/admin/requests', '/v1/admin/requests/1', '/v1/admin/traffic', '/v1/admin/config', '/v1/admin/models/stats']) {
      assert.equal(await adminGet(stack.gateway, p), 401, `${p} without a key`);
      assert.equal(await adminGet(stack.gateway, p, 'wrong-key'), 401, `${p} with a wrong key`);
    }
    assert.equal(await adminGet(stack.gateway, '/v1/admin/config', ADMIN_KEY), 200);
    assert.equal(await adminGet(stack.gateway, '/ui/'), 200, 'the page itself holds no data and loads without the key');

    const context = await browserOf(launched).newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const seen = watch(page);
    try {
      await page.goto(`${stack.gateway.baseUrl}/ui/`);
      await page.locator('#key-form').waitFor({ state: 'visible', timeout: 10_000 });
      assert.equal(await page.locator('#main').isHidden(), true, 'no data shown without the key');

      await page.fill('#admin-key', 'not-the-key');
      await page.click('#key-form button');
      await page.locator('#auth-error:not([hidden])').waitFor({ timeout: 5_000 });
      assert.match(await page.locator('#auth-error').textContent(), /refused/);

      await page.fill('#admin-key', ADMIN_KEY);
      await page.click('#key-form button');
      await page.locator(`#deployments-table tbody tr[data-endpoint="${MODELS.openai}"]`).waitFor({ timeout: 10_000 });
      assert.equal(await page.locator('#auth').isHidden(), true);
      assert.equal(await page.locator('#config-meta').textContent().then((t) => t.includes('admin key set')), true);

      // A reload of the page keeps the key for this tab (sessionStorage), not in the URL.
      await page.reload();
      await page.locator(`#deployments-table tbody tr[data-endpoint="${MODELS.openai}"]`).waitFor({ timeout: 10_000 });

      assert.ok(seen.urls.length > 0);
      for (const url of seen.urls) {
        assert.ok(!url.includes(ADMIN_KEY) && !url.includes('not-the-key'), `a key in a URL: ${url}`);
      }
      // The only console errors are the browser's own notes on the two refused (401) requests.
      const unexpected = seen.errors.filter((e) => !/status of 401/.test(e));
      assert.deepEqual(unexpected, [], 'no console errors besides the 401s');
      assert.ok(seen.errors.length <= 2, `${seen.errors}`);
    } finally {
      await context.close();
    }
  });
});

/** docs/images/admin-ui-desktop.png (1280 wide, whole page) and admin-ui-phone.png (390 wide, first screens). */
async function screenshots(page, desktopContext) {
  const dir = path.join(repoRoot, 'docs', 'images');
  fs.mkdirSync(dir, { recursive: true });
  // Let the charts take one more snapshot so the newest interval is drawn.
  await sleep(1_200);
  await page.screenshot({ path: path.join(dir, 'admin-ui-desktop.png'), fullPage: true });
  const phone = await desktopContext.browser().newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  try {
    const p = await phone.newPage();
    await p.goto(page.url());
    await p.locator('#recent-table tbody tr').first().waitFor({ timeout: 10_000 });
    await sleep(500);
    await p.screenshot({ path: path.join(dir, 'admin-ui-phone.png'), fullPage: false });
  } finally {
    await phone.close();
  }
}
