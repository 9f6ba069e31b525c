// Test harness for the end-to-end suite: a fake upstream that speaks every provider protocol the gateway can call
// (OpenAI chat, Anthropic Messages, Gemini native, Bedrock Converse) and replays recorded responses from the shared
// fixtures, and a real Switchyard gateway process pointed at it. Everything binds 127.0.0.1 and every
// wait is bounded.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The repository root (tests/e2e/../..). */
export const repoRoot = path.resolve(here, '..', '..');

/** Shared fixtures live next to the repository: <repo>/../shared/fixtures. */
export const fixturesRoot = path.resolve(repoRoot, '..', 'shared', 'fixtures');

/** Recorded OpenAI responses (see MANIFEST.md there). */
export const openaiFixtures = path.join(fixturesRoot, 'raw', 'openai');

const HOST = '127.0.0.1';
const HEALTH_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

// ---------------------------------------------------------------------------------------------------------------
// Fixtures

/** Recorded provider traffic, one folder per provider (see each folder's MANIFEST.md). */
export const rawFixtures = path.join(fixturesRoot, 'raw');

/**
 * Absolute path of a fixture: `folder/name` is relative to fixtures/raw (e.g. `anthropic/x.sse`), a bare name is in
 * fixtures/raw/openai (the suite's original convention).
 */
export function fixturePath(name) {
  return name.includes('/') ? path.join(rawFixtures, name) : path.join(openaiFixtures, name);
}

/** Parsed JSON of a fixture file. */
export function readFixtureJson(name) {
  return JSON.parse(fs.readFileSync(fixturePath(name), 'utf8'));
}

/**
 * The `data:` payloads of every event in an SSE fixture, in order (multi-line data joined with "\n", per the
 * SSE spec). Includes the `[DONE]` sentinel if the fixture has one.
 */
export function readSseData(name) {
  const text = fs.readFileSync(fixturePath(name), 'utf8').replace(/\r\n?/g, '\n');
  const events = [];
  for (const block of text.split(/\n\n+/)) {
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('data:')) {
        data.push(line.slice(5).replace(/^ /, ''));
      }
    }
    if (data.length > 0) {
      events.push(data.join('\n'));
    }
  }
  return events;
}

/** The chunk objects of an SSE fixture: every data event except `[DONE]`, JSON-parsed. */
export function readSseChunks(name) {
  return readSseData(name)
    .filter((d) => d !== '[DONE]')
    .map((d) => JSON.parse(d));
}

/** Concatenation of choices[0].delta.content over a fixture's chunks. */
export function expectedStreamContent(chunks) {
  let text = '';
  for (const c of chunks) {
    const delta = c.choices?.[0]?.delta;
    if (typeof delta?.content === 'string') {
      text += delta.content;
    }
  }
  return text;
}

/**
 * Tool calls assembled from a fixture's choices[0].delta.tool_calls deltas: by index, first id/type/name seen,
 * arguments concatenated. Sorted by index.
 */
export function expectedStreamToolCalls(chunks) {
  const byIndex = new Map();
  for (const c of chunks) {
    for (const tc of c.choices?.[0]?.delta?.tool_calls ?? []) {
      const acc = byIndex.get(tc.index) ?? { index: tc.index, id: undefined, type: undefined, name: undefined, arguments: '' };
      acc.id ??= tc.id;
      acc.type ??= tc.type;
      acc.name ??= tc.function?.name;
      acc.arguments += tc.function?.arguments ?? '';
      byIndex.set(tc.index, acc);
    }
  }
  return [...byIndex.values()].sort((a, b) => a.index - b.index);
}

/** The last finish_reason of choices[0] in a fixture's chunks. */
export function expectedFinishReason(chunks) {
  let reason = null;
  for (const c of chunks) {
    const r = c.choices?.[0]?.finish_reason;
    if (r) {
      reason = r;
    }
  }
  return reason;
}

/** The last non-null `usage` in a fixture's chunks, or null. */
export function expectedStreamUsage(chunks) {
  let usage = null;
  for (const c of chunks) {
    if (c.usage) {
      usage = c.usage;
    }
  }
  return usage;
}

// ---------------------------------------------------------------------------------------------------------------
// Fake upstream

/**
 * The provider route a request path belongs to, or null:
 * - `openai`    POST /v1/chat/completions
 * - `anthropic` POST /v1/messages
 * - `gemini`    POST /v1beta/models/<model>:generateContent | :streamGenerateContent
 * - `bedrock`   POST /model/<url-encoded id>/converse | /converse-stream
 * - `openai-responses` POST /v1/responses
 */
export function routeOf(method, pathname) {
  if (method !== 'POST') {
    return null;
  }
  if (pathname === '/v1/chat/completions') {
    return { kind: 'openai', model: undefined, stream: undefined };
  }
  if (pathname === '/v1/messages') {
    return { kind: 'anthropic', model: undefined, stream: undefined };
  }
  if (pathname === '/v1/responses') {
    return { kind: 'openai-responses', model: undefined, stream: undefined };
  }
  let m = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(pathname);
  if (m) {
    return { kind: 'gemini', model: decodeURIComponent(m[1]), stream: m[2] === 'streamGenerateContent' };
  }
  m = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(pathname);
  if (m) {
    return { kind: 'bedrock', model: decodeURIComponent(m[1]), stream: m[2] === 'converse-stream' };
  }
  return null;
}

/** The route kind a fixture folder belongs to (OpenAI-compatible vendors all speak `openai`). */
function kindOfFixture(name) {
  const folder = name.includes('/') ? name.split('/')[0] : 'openai';
  switch (folder) {
    case 'anthropic':
      return 'anthropic';
    case 'gemini':
      return 'gemini';
    case 'bedrock':
      return 'bedrock';
    case 'openai-responses':
      return 'openai-responses';
    default:
      return 'openai';
  }
}

/**
 * vercel/ai `*.chunks.txt` hold one event payload per line with the framing removed; put the framing of the route's
 * protocol back (OpenAI: `data:` + `[DONE]`; Anthropic: `event: <type>` + `data:`; Gemini: CRLF `data:` events).
 */
function reframeChunks(text, kind) {
  const lines = text.split(/\r?\n/).filter((l) => l.trim().length > 0);
  switch (kind) {
    case 'openai':
      return lines.map((l) => `data: ${l}\n\n`).join('') + 'data: [DONE]\n\n';
    case 'anthropic':
      return lines.map((l) => `event: ${JSON.parse(l).type}\ndata: ${l}\n\n`).join('');
    case 'gemini':
      return lines.map((l) => `data: ${l}\r\n\r\n`).join('');
    default:
      throw new Error(`fake upstream: cannot re-frame chunks for ${kind}`);
  }
}

/** Write sizes for event-stream bodies: odd, varied, so frames (and their preludes) split across writes. */
const BIN_WRITE_SIZES = [1, 7, 13, 3, 61, 5, 127, 11, 29, 251, 17];

/**
 * Starts a fake upstream on 127.0.0.1 (ephemeral port) speaking every provider protocol the gateway calls (see
 * routeOf). Every POST to a known route takes the next scripted reply from one FIFO queue; every request is recorded
 * as { method, path (raw, still URL-encoded), search, route, headers, rawBody, body (parsed JSON) }.
 *
 * Reply: {
 *   fixture?: 'openai-name.json' | '<folder>/<name>'   // a recording under fixtures/raw
 *   body?: string | Buffer | object                     // instead of a fixture (objects are JSON-encoded); served
 *                                                       // like a .bin / .sse when contentType says so
 *   kind?: 'openai' | 'anthropic' | 'gemini' | 'bedrock' // the route it must be served on (default: fixture folder)
 *   status?: number, headers?: object, contentType?: string,
 *   chunkSize?: number,        // SSE write size (default 97 bytes)
 *   cutAfterBytes?: number,    // write only this many bytes, then destroy the socket (a cut stream)
 * }
 * Served as: `.sse` and Gemini `.txt` -> text/event-stream in small writes; `.chunks.txt` -> re-framed for the route,
 * then as SSE; `.bin` -> application/vnd.amazon.eventstream in writes of odd sizes (frames split); else JSON whole.
 * A reply whose kind does not match the route answers 500 (`fake_upstream_wrong_route`) so the test fails visibly.
 */
export async function startFakeUpstream() {
  const queue = [];
  const requests = [];
  const sockets = new Set();

  const server = http.createServer(async (req, res) => {
    const bodyChunks = [];
    for await (const chunk of req) {
      bodyChunks.push(chunk);
    }
    const rawBody = Buffer.concat(bodyChunks).toString('utf8');
    let body;
    try {
      body = rawBody.length > 0 ? JSON.parse(rawBody) : undefined;
    } catch {
      body = undefined;
    }
    const url = new URL(req.url, `http://${HOST}`);
    const route = routeOf(req.method, url.pathname);
    requests.push({ method: req.method, path: url.pathname, search: url.search, route, headers: { ...req.headers }, rawBody, body });

    if (!route) {
      sendJson(res, 404, { error: { message: `fake upstream: no route for ${req.method} ${url.pathname}`, type: 'invalid_request_error', code: 'unknown_url' } });
      return;
    }

    const reply = queue.shift();
    if (!reply) {
      sendJson(res, 500, { error: { message: 'fake upstream: no scripted reply left', type: 'server_error', code: 'fake_upstream_empty' } });
      return;
    }
    const expectedKind = reply.kind ?? (reply.fixture ? kindOfFixture(reply.fixture) : route.kind);
    if (expectedKind !== route.kind) {
      sendJson(res, 500, {
        error: { message: `fake upstream: reply for ${expectedKind} requested on ${route.kind} route ${url.pathname}`, type: 'server_error', code: 'fake_upstream_wrong_route' },
      });
      return;
    }

    try {
      await serveReply(res, reply, route);
    } catch (err) {
      if (!res.headersSent) {
        sendJson(res, 500, { error: { message: `fake upstream: ${err.message}`, type: 'server_error', code: 'fake_upstream_error' } });
      } else {
        res.destroy(err);
      }
    }
  });

  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, HOST);
  await once(server, 'listening');
  const { port } = server.address();

  return {
    port,
    url: `http://${HOST}:${port}`,
    /** Scripted replies not yet consumed. */
    queue,
    /** Every request received, in order. */
    requests,
    /** Appends scripted replies (objects or fixture names). */
    enqueue(...replies) {
      for (const r of replies) {
        queue.push(typeof r === 'string' ? { fixture: r } : r);
      }
    },
    /** Forgets queued replies and recorded requests. */
    reset() {
      queue.length = 0;
      requests.length = 0;
    },
    async close() {
      for (const s of sockets) {
        s.destroy();
      }
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

async function serveReply(res, reply, route) {
  const status = reply.status ?? 200;
  let bytes;
  let mode; // 'sse' | 'bin' | 'json'
  if (reply.fixture !== undefined) {
    const name = reply.fixture;
    bytes = await fsp.readFile(fixturePath(name));
    if (name.endsWith('.chunks.txt')) {
      bytes = Buffer.from(reframeChunks(bytes.toString('utf8'), route.kind));
      mode = 'sse';
    } else if (name.endsWith('.sse') || (route.kind === 'gemini' && name.endsWith('.txt'))) {
      mode = 'sse';
    } else if (name.endsWith('.bin')) {
      mode = 'bin';
    } else {
      mode = 'json';
    }
  } else if (reply.body !== undefined) {
    bytes = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body));
    mode = String(reply.contentType).includes('eventstream') ? 'bin' : String(reply.contentType).includes('event-stream') ? 'sse' : 'json';
  } else {
    throw new Error('scripted reply has neither fixture nor body');
  }

  const contentType =
    reply.contentType ??
    { sse: 'text/event-stream; charset=utf-8', bin: 'application/vnd.amazon.eventstream', json: 'application/json' }[mode];
  const limit = reply.cutAfterBytes ?? bytes.length;

  if (mode === 'json' && reply.cutAfterBytes === undefined) {
    res.writeHead(status, { 'content-type': contentType, 'content-length': bytes.length, ...reply.headers });
    res.end(bytes);
    return;
  }

  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-cache', ...reply.headers });
  let i = 0;
  let n = 0;
  while (i < limit) {
    if (res.destroyed) {
      return;
    }
    const size = mode === 'bin' ? BIN_WRITE_SIZES[n++ % BIN_WRITE_SIZES.length] : (reply.chunkSize ?? 97);
    const end = Math.min(i + size, limit);
    const ok = res.write(bytes.subarray(i, end));
    i = end;
    if (!ok) {
      await Promise.race([once(res, 'drain'), once(res, 'close'), sleep(5_000, undefined, { ref: false })]);
    } else {
      await new Promise((r) => setImmediate(r));
    }
  }
  if (reply.cutAfterBytes !== undefined) {
    // Let the written bytes leave, then drop the connection without the terminating chunk.
    await sleep(50);
    res.socket?.destroy();
    res.destroy();
    return;
  }
  res.end();
}

function sendJson(res, status, obj) {
  const bytes = Buffer.from(JSON.stringify(obj));
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length });
  res.end(bytes);
}

// ---------------------------------------------------------------------------------------------------------------
// Fake router model

/** The recorded Ollama chat completion whose envelope the fake router answers in (only the content is replaced). */
export const ROUTER_ENVELOPE = 'ollama/pydai__test_ollama_local_native_output_uses_json_schema.0.json';

/** The router's answer as an OpenAI chat completion: the recorded Ollama envelope, choices[0].message.content replaced. */
export function routerCompletion(content) {
  const doc = readFixtureJson(ROUTER_ENVELOPE);
  doc.choices[0].message.content = content;
  return doc;
}

/**
 * The text of a router prompt's `<tag>` section, or null when there is none. The section opens with "<tag>\n" on its
 * own line and closes with "\n</tag>"; the instructions also mention "<tag></tag>" inline, which is not it.
 */
export function promptSection(prompt, tag) {
  const opener = `<${tag}>\n`;
  const open = prompt.indexOf(opener);
  if (open < 0) {
    return null;
  }
  const close = prompt.indexOf(`\n</${tag}>`, open + opener.length - 1);
  return close < 0 ? null : prompt.slice(open + opener.length, close);
}

/**
 * A fake-router answer function choosing by keyword: the answer of the first [keyword, answer] rule whose keyword
 * occurs (case-insensitively) in the prompt's conversation section, else `otherwise`.
 */
export function keywordRouter(rules, otherwise) {
  return ({ conversation }) => {
    const text = (conversation ?? '').toLowerCase();
    for (const [keyword, answer] of rules) {
      if (text.includes(keyword.toLowerCase())) {
        return answer;
      }
    }
    return otherwise;
  };
}

/**
 * Starts a fake router model on 127.0.0.1 (ephemeral port): an OpenAI-compatible server (as Ollama serves a
 * Plano-Orchestrator model) answering `POST /v1/chat/completions`. Every request is recorded as
 * { method, path, headers, body, prompt, conversation, routes } — prompt: the last message's content; conversation:
 * its <conversation> section; routes: the route names listed one JSON object per line in its <routes> section.
 *
 * `answer(call)` (settable as `router.answer`) returns the router's answer text, served as routerCompletion(text), or
 * { status, body } to reply something else (e.g. an HTTP 500).
 */
export async function startFakeRouter(answer) {
  const requests = [];
  const sockets = new Set();
  const router = {
    answer,
    requests,
    port: 0,
    url: '',
    /** Forgets recorded requests. */
    reset() {
      requests.length = 0;
    },
    async close() {
      for (const s of sockets) {
        s.destroy();
      }
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };

  const server = http.createServer(async (req, res) => {
    const chunks = [];
    for await (const chunk of req) {
      chunks.push(chunk);
    }
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      body = undefined;
    }
    const url = new URL(req.url, `http://${HOST}`);
    const messages = Array.isArray(body?.messages) ? body.messages : [];
    const last = messages.at(-1)?.content;
    const prompt = typeof last === 'string' ? last : '';
    const routesText = promptSection(prompt, 'routes') ?? '';
    const routes = routesText
      .split('\n')
      .map((l) => {
        try {
          return JSON.parse(l).name;
        } catch {
          return undefined;
        }
      })
      .filter((n) => typeof n === 'string');
    const call = { method: req.method, path: url.pathname, headers: { ...req.headers }, body, prompt, conversation: promptSection(prompt, 'conversation'), routes };
    requests.push(call);

    if (req.method !== 'POST' || url.pathname !== '/v1/chat/completions') {
      sendJson(res, 404, { error: { message: `fake router: no route for ${req.method} ${url.pathname}`, type: 'invalid_request_error' } });
      return;
    }
    let reply;
    try {
      reply = router.answer(call);
    } catch (err) {
      sendJson(res, 500, { error: { message: `fake router: ${err.message}`, type: 'server_error' } });
      return;
    }
    if (typeof reply === 'string') {
      sendJson(res, 200, routerCompletion(reply));
    } else {
      sendJson(res, reply.status ?? 200, reply.body);
    }
  });

  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.listen(0, HOST);
  await once(server, 'listening');
  router.port = server.address().port;
  router.url = `http://${HOST}:${router.port}`;
  return router;
}

// ---------------------------------------------------------------------------------------------------------------
// Gateway

/** A free TCP port on 127.0.0.1 (listen on port 0, read it, close). */
export async function findFreePort() {
  const srv = net.createServer();
  srv.listen(0, HOST);
  await once(srv, 'listening');
  const { port } = srv.address();
  await new Promise((resolve) => srv.close(() => resolve()));
  return port;
}

/** The model names of the suite's gateway config, one per upstream protocol (all served by the fake upstream). */
export const MODELS = Object.freeze({
  openai: 'openai/gpt-4o-mini',
  deepseek: 'deepseek/deepseek-reasoner',
  anthropic: 'anthropic/claude-sonnet-4-5',
  gemini: 'gemini/gemini-2.5-flash',
  bedrock: 'amazon_bedrock/anthropic.claude-3-7-sonnet-20250219-v1:0',
});

/**
 * The Plano-style gateway config used by the suite: one provider per upstream protocol, all on the fake upstream.
 * `providers` (more `  - ...` entries, indented as model_providers items) and `extra` (top-level sections) are
 * appended for suites that need more (e.g. a router model and routing_preferences).
 */
export function gatewayConfigYaml(upstreamPort, { providers = '', extra = '' } = {}) {
  return `version: v0.4.0
listeners:
  - name: llm
    type: model
    address: 127.0.0.1
    port: 12000
    timeout: 10s
model_providers:
  - model: openai/gpt-4o-mini
    access_key: test-key
    base_url: http://127.0.0.1:${upstreamPort}
    default: true
  - model: deepseek/deepseek-reasoner
    access_key: ds-key
    base_url: http://127.0.0.1:${upstreamPort}
  - model: anthropic/claude-sonnet-4-5
    access_key: ant-key
    base_url: http://127.0.0.1:${upstreamPort}
  - model: gemini/gemini-2.5-flash
    access_key: gem-key
    base_url: http://127.0.0.1:${upstreamPort}
  - model: amazon_bedrock/anthropic.claude-3-7-sonnet-20250219-v1:0
    access_key: bedrock-key
    base_url: http://127.0.0.1:${upstreamPort}
${providers}model_aliases:
  fast:
    target: openai/gpt-4o-mini
${extra}`;
}

const running = new Set();
process.on('exit', () => {
  // Last resort (e.g. the runner bails out before `after` hooks run): never leave a gateway behind.
  for (const child of running) {
    try {
      child.kill('SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * Writes the config to a temp dir and starts `dotnet $SWITCHYARD_DLL serve --config <file> --port <free>`,
 * resolving once GET /healthz answers 200 (at most 30 s). The config is `configYaml` when given, else
 * gatewayConfigYaml(upstreamPort).
 */
export async function startGateway({ upstreamPort, configYaml }) {
  const dll = process.env.SWITCHYARD_DLL;
  if (!dll) {
    throw new Error('SWITCHYARD_DLL is not set; run tests/e2e/run.sh (it builds the gateway) or export the path to switchyard.dll');
  }
  if (!fs.existsSync(dll)) {
    throw new Error(`SWITCHYARD_DLL points to a missing file: ${dll}`);
  }

  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'switchyard-e2e-'));
  const configFile = path.join(dir, 'switchyard.yaml');
  await fsp.writeFile(configFile, configYaml ?? gatewayConfigYaml(upstreamPort));
  const port = await findFreePort();

  const env = { ...process.env, DOTNET_NOLOGO: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' };
  // The config's access_key is the only credential in play.
  for (const k of ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY', 'AWS_BEARER_TOKEN_BEDROCK', 'DEEPSEEK_API_KEY']) {
    delete env[k];
  }

  const child = spawn('dotnet', [dll, 'serve', '--config', configFile, '--port', String(port)], {
    cwd: dir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);

  let log = '';
  const append = (chunk) => {
    log += chunk.toString('utf8');
    if (log.length > 64_000) {
      log = log.slice(-64_000);
    }
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);

  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      running.delete(child);
      resolve(exited);
    });
    child.on('error', (err) => {
      exited = { code: null, signal: null, error: err };
      running.delete(child);
      resolve(exited);
    });
  });

  const baseUrl = `http://${HOST}:${port}`;

  const gateway = {
    port,
    baseUrl,
    /** OpenAI SDK base URL. */
    apiBase: `${baseUrl}/v1`,
    /** Anthropic SDK base URL (the SDK appends /v1/messages). */
    anthropicBase: baseUrl,
    configFile,
    logs: () => log,
    async stop() {
      if (exited === null) {
        child.kill('SIGTERM');
        const done = await Promise.race([exitPromise, sleep(STOP_TIMEOUT_MS, null, { ref: false })]);
        if (done === null && exited === null) {
          child.kill('SIGKILL');
          await Promise.race([exitPromise, sleep(STOP_TIMEOUT_MS, null, { ref: false })]);
        }
      }
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };

  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  let lastError = 'no attempt yet';
  while (Date.now() < deadline) {
    if (exited !== null) {
      await gateway.stop();
      throw new Error(`gateway exited before becoming healthy (${JSON.stringify(exited)}); output:\n${log}`);
    }
    try {
      const res = await fetch(`${baseUrl}/healthz`, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) {
        return gateway;
      }
      lastError = `GET /healthz -> ${res.status}`;
    } catch (err) {
      lastError = err.cause?.code ?? err.message;
    }
    await sleep(100);
  }

  await gateway.stop();
  throw new Error(`gateway did not answer GET /healthz with 200 within ${HEALTH_TIMEOUT_MS} ms (last: ${lastError}); output:\n${log}`);
}

/**
 * Fake upstream + gateway; `stop()` tears both down. `config` (optional) builds the gateway config from the fake
 * upstream's port: `(upstreamPort) => yaml`; without it the suite's gatewayConfigYaml is used.
 */
export async function startStack({ config } = {}) {
  const upstream = await startFakeUpstream();
  let gateway;
  try {
    gateway = await startGateway({ upstreamPort: upstream.port, configYaml: config?.(upstream.port) });
  } catch (err) {
    await upstream.close();
    throw err;
  }
  return {
    upstream,
    gateway,
    async stop() {
      try {
        await gateway.stop();
      } finally {
        await upstream.close();
      }
    },
  };
}
