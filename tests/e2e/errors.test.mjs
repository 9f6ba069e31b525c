// Error paths through the gateway as the official openai SDK sees them.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import { readFixtureJson, startStack } from './harness.mjs';

describe('errors via the openai SDK', () => {
  let stack;
  let client;

  before(async () => {
    stack = await startStack();
    client = new OpenAI({ baseURL: stack.gateway.apiBase, apiKey: 'client-key', maxRetries: 0, timeout: 20_000 });
  });

  after(async () => {
    await stack?.stop();
  });

  beforeEach(() => {
    stack.upstream.reset();
  });

  test('unknown model -> NotFoundError (404) from the gateway, upstream never called', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] }),
      (err) => {
        assert.ok(err instanceof OpenAI.APIError, `expected APIError, got ${err?.constructor?.name}: ${err?.message}`);
        assert.ok(err instanceof OpenAI.NotFoundError, `expected NotFoundError, got ${err.constructor.name}`);
        assert.equal(err.status, 404);
        assert.match(err.message, /no-such-model/);
        return true;
      },
    );
    assert.equal(stack.upstream.requests.length, 0);
  });

  test('unknown model while streaming -> NotFoundError (404)', async () => {
    await assert.rejects(
      client.chat.completions.create({ model: 'no-such-model', stream: true, messages: [{ role: 'user', content: 'hi' }] }),
      (err) => err instanceof OpenAI.NotFoundError && err.status === 404,
    );
    assert.equal(stack.upstream.requests.length, 0);
  });

  test('upstream 400 -> BadRequestError carrying the upstream error', async () => {
    const name = 'envoy__chat-bad-request.0.json';
    const fixture = readFixtureJson(name);
    stack.upstream.enqueue({ fixture: name, status: 400 });

    await assert.rejects(
      client.chat.completions.create({ model: 'fast', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
      (err) => {
        assert.ok(err instanceof OpenAI.BadRequestError, `expected BadRequestError, got ${err?.constructor?.name}: ${err?.message}`);
        assert.equal(err.status, 400);
        assert.ok(err.message.includes(fixture.error.message), `message ${JSON.stringify(err.message)} includes the upstream message`);
        assert.equal(err.error?.message, fixture.error.message);
        assert.equal(err.code, fixture.error.code);
        assert.equal(err.param, fixture.error.param);
        assert.equal(err.type, fixture.error.type);
        return true;
      },
    );
    assert.equal(stack.upstream.requests.length, 1, 'a 400 is not retried');
    assert.equal(stack.upstream.queue.length, 0);
  });
});
