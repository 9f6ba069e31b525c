// Error paths across protocols, as the official SDKs see them: recorded upstream error bodies (Anthropic, OpenAI,
// Gemini, Bedrock) must arrive as the SDK's APIError with the right status and message, and a stream the upstream
// cuts (socket destroyed mid-body) or aborts with a Bedrock exception frame must make the SDK's final helpers throw
// rather than resolve as if the answer were complete.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { MODELS, startStack } from './harness.mjs';
import { encodeEventStreamFrame, eventStreamPrefixLength, readBytes, readJson } from './oracles.mjs';

/** Anthropic's documented overloaded error (HTTP 529): https://docs.anthropic.com/en/api/errors */
const ANTHROPIC_OVERLOADED = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };

/** Half of a recording's bytes: enough for the stream to have started, not enough to finish it. */
const half = (name) => Math.floor(readBytes(name).length / 2);

describe('errors across protocols via the official SDKs', () => {
  let stack;
  let anthropic;
  let openai;

  before(async () => {
    stack = await startStack();
    anthropic = new Anthropic({ baseURL: stack.gateway.anthropicBase, apiKey: 'client', maxRetries: 0, timeout: 15_000 });
    openai = new OpenAI({ baseURL: stack.gateway.apiBase, apiKey: 'client', maxRetries: 0, timeout: 15_000 });
  });

  after(async () => {
    await stack?.stop();
  });

  beforeEach(() => {
    stack.upstream.reset();
  });

  const ask = (model, extra = {}) => ({ model, max_tokens: 256, messages: [{ role: 'user', content: 'hi' }], ...extra });

  // ----- upstream HTTP errors -> Anthropic SDK APIError

  test('anthropic upstream 400 (recorded) -> Anthropic BadRequestError with the upstream type and message', async () => {
    const name = 'anthropic/pydai__test_anthropic_explicit_effort_xhigh_unsupported_model_errors.0.json';
    const fixture = readJson(name);
    stack.upstream.enqueue({ fixture: name, status: 400 });
    await assert.rejects(anthropic.messages.create(ask(MODELS.anthropic)), (err) => {
      assert.ok(err instanceof Anthropic.BadRequestError, `expected BadRequestError, got ${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.status, 400);
      assert.equal(err.error?.type, 'error');
      assert.equal(err.error?.error?.type, fixture.error.type);
      assert.equal(err.error?.error?.message, fixture.error.message);
      return true;
    });
    assert.equal(stack.upstream.requests.length, 1, 'not retried');
  });

  for (const stream of [false, true]) {
    test(`anthropic upstream 529 overloaded_error -> Anthropic APIError 529 (${stream ? 'stream().finalMessage()' : 'create'})`, async () => {
      stack.upstream.enqueue({ body: ANTHROPIC_OVERLOADED, status: 529, kind: 'anthropic' });
      const call = stream ? anthropic.messages.stream(ask(MODELS.anthropic)).finalMessage() : anthropic.messages.create(ask(MODELS.anthropic));
      await assert.rejects(call, (err) => {
        assert.ok(err instanceof Anthropic.APIError, `expected APIError, got ${err?.constructor?.name}: ${err?.message}`);
        assert.equal(err.status, 529);
        assert.equal(err.error?.error?.type, 'overloaded_error');
        return true;
      });
    });
  }

  test('openai upstream 400 (recorded) -> Anthropic BadRequestError carrying the upstream message', async () => {
    const name = 'openai/envoy__chat-bad-request.0.json';
    const fixture = readJson(name);
    stack.upstream.enqueue({ fixture: name, status: 400 });
    await assert.rejects(anthropic.messages.create(ask(MODELS.openai)), (err) => {
      assert.ok(err instanceof Anthropic.BadRequestError, `expected BadRequestError, got ${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.status, 400);
      assert.equal(err.error?.type, 'error');
      assert.equal(err.error?.error?.type, 'invalid_request_error');
      assert.ok(err.error?.error?.message?.includes(fixture.error.message), `message ${JSON.stringify(err.error?.error?.message)}`);
      return true;
    });
  });

  test('gemini upstream 400 INVALID_ARGUMENT (recorded) -> Anthropic BadRequestError', async () => {
    const name = 'gemini/gaijs__unary-failure-image-rejected.json';
    const fixture = readJson(name);
    stack.upstream.enqueue({ fixture: name, status: fixture.error.code });
    await assert.rejects(anthropic.messages.create(ask(MODELS.gemini)), (err) => {
      assert.ok(err instanceof Anthropic.BadRequestError, `expected BadRequestError, got ${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.status, 400);
      assert.equal(err.error?.error?.type, 'invalid_request_error');
      assert.ok(err.error?.error?.message?.includes(fixture.error.message), `message ${JSON.stringify(err.error?.error?.message)}`);
      return true;
    });
  });

  test('gemini upstream 429 RESOURCE_EXHAUSTED (recorded) while streaming -> Anthropic RateLimitError', async () => {
    const name = 'gemini/vercel__google-429-retry-info.json';
    const fixture = readJson(name);
    stack.upstream.enqueue({ fixture: name, status: fixture.error.code });
    await assert.rejects(anthropic.messages.stream(ask(MODELS.gemini)).finalMessage(), (err) => {
      assert.ok(err instanceof Anthropic.RateLimitError, `expected RateLimitError, got ${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.status, 429);
      assert.equal(err.error?.error?.type, 'rate_limit_error');
      assert.ok(err.error?.error?.message?.includes(fixture.error.message));
      return true;
    });
  });

  test('bedrock upstream 400 (recorded) -> Anthropic BadRequestError carrying the upstream message', async () => {
    const name = 'bedrock/pydai__test_bedrock_error.0.json';
    const fixture = readJson(name);
    stack.upstream.enqueue({ fixture: name, status: 400 });
    await assert.rejects(anthropic.messages.create(ask(MODELS.bedrock)), (err) => {
      assert.ok(err instanceof Anthropic.BadRequestError, `expected BadRequestError, got ${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.status, 400);
      assert.ok(err.error?.error?.message?.includes(fixture.message), `message ${JSON.stringify(err.error?.error?.message)}`);
      return true;
    });
  });

  test('anthropic upstream 529 -> openai SDK APIError (5xx) for chat and responses', async () => {
    stack.upstream.enqueue({ body: ANTHROPIC_OVERLOADED, status: 529, kind: 'anthropic' }, { body: ANTHROPIC_OVERLOADED, status: 529, kind: 'anthropic' });
    for (const call of [
      () => openai.chat.completions.create({ model: MODELS.anthropic, messages: [{ role: 'user', content: 'hi' }] }),
      () => openai.responses.create({ model: MODELS.anthropic, input: 'hi' }),
    ]) {
      await assert.rejects(call(), (err) => {
        assert.ok(err instanceof OpenAI.APIError, `expected APIError, got ${err?.constructor?.name}: ${err?.message}`);
        assert.ok(err.status >= 500, `status ${err.status}`);
        assert.match(err.message, /Overloaded/);
        return true;
      });
    }
  });

  // ----- cut streams: the SDK must throw, not resolve a truncated answer

  const CUTS = [
    ['openai', MODELS.openai, 'openai/envoy__chat-streaming.0.sse'],
    ['gemini', MODELS.gemini, 'gemini/gaijs__streaming-success-basic-reply-long.txt'],
    ['bedrock', MODELS.bedrock, 'bedrock/pydai__test_bedrock_model_stream.0.bin'],
  ];
  for (const [kind, model, fixture] of CUTS) {
    test(`${kind} upstream stream cut mid-body -> Anthropic messages.stream().finalMessage() rejects`, async () => {
      stack.upstream.enqueue({ fixture, kind, cutAfterBytes: half(fixture) });
      const stream = anthropic.messages.stream(ask(model));
      stream.on('error', () => {});
      await assert.rejects(stream.finalMessage(), (err) => {
        // The gateway reports the break in-band (an Anthropic `error` event), which the SDK raises as an APIError.
        assert.ok(err instanceof Anthropic.APIError, `expected APIError, got ${err?.constructor?.name}: ${err?.message}`);
        assert.equal(err.error?.type, 'error');
        return true;
      });
      assert.equal(stack.upstream.requests.length, 1);
    });
  }

  const OPENAI_CUTS = [
    ['anthropic', MODELS.anthropic, 'anthropic/pydai__test_anthropic_model_thinking_part_stream.0.sse'],
    ['gemini', MODELS.gemini, 'gemini/gaijs__streaming-success-basic-reply-long.txt'],
    ['bedrock', MODELS.bedrock, 'bedrock/plano__response.hex.bin'],
  ];
  for (const [kind, model, fixture] of OPENAI_CUTS) {
    test(`${kind} upstream stream cut mid-body -> openai chat.completions.stream().finalChatCompletion() rejects`, async () => {
      stack.upstream.enqueue({ fixture, kind, cutAfterBytes: half(fixture) });
      const stream = openai.chat.completions.stream({ model, messages: [{ role: 'user', content: 'hi' }] });
      stream.on('error', () => {});
      await assert.rejects(stream.finalChatCompletion(), (err) => {
        assert.ok(err instanceof OpenAI.APIError, `expected APIError (in-band error), got ${err?.constructor?.name}: ${err?.message}`);
        return true;
      });
    });

    test(`${kind} upstream stream cut mid-body -> openai responses.stream().finalResponse() rejects`, async () => {
      stack.upstream.enqueue({ fixture, kind, cutAfterBytes: half(fixture) });
      const stream = openai.responses.stream({ model, input: 'hi' });
      stream.on('error', () => {});
      await assert.rejects(stream.finalResponse(), (err) => {
        assert.ok(err instanceof OpenAI.APIError, `expected APIError (error event), got ${err?.constructor?.name}: ${err?.message}`);
        return true;
      });
    });
  }

  // ----- Bedrock exception frame mid-stream (AWS event-stream `:message-type: exception`)

  test('bedrock exception frame after a few recorded frames -> both SDKs throw', async () => {
    const fixture = 'bedrock/pydai__test_bedrock_model_stream.0.bin';
    const bytes = readBytes(fixture);
    const prefix = bytes.subarray(0, eventStreamPrefixLength(bytes, 5));
    const exception = encodeEventStreamFrame(
      { ':message-type': 'exception', ':exception-type': 'throttlingException', ':content-type': 'application/json' },
      { message: 'Too many tokens, please wait before trying again.' },
    );
    const body = Buffer.concat([prefix, exception]);
    const reply = { body, kind: 'bedrock', contentType: 'application/vnd.amazon.eventstream' };
    stack.upstream.enqueue(reply, reply);

    const aStream = anthropic.messages.stream(ask(MODELS.bedrock));
    aStream.on('error', () => {});
    await assert.rejects(aStream.finalMessage(), (err) => {
      assert.ok(err instanceof Anthropic.APIError, `expected APIError, got ${err?.constructor?.name}: ${err?.message}`);
      assert.match(err.message, /Too many tokens/);
      return true;
    });

    const oStream = openai.chat.completions.stream({ model: MODELS.bedrock, messages: [{ role: 'user', content: 'hi' }] });
    oStream.on('error', () => {});
    await assert.rejects(oStream.finalChatCompletion(), (err) => {
      assert.ok(err instanceof Error);
      assert.match(err.message, /Too many tokens/);
      return true;
    });
    assert.equal(stack.upstream.requests.length, 2);
  });
});
