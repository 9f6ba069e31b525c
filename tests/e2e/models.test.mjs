// GET /v1/models through the official openai SDK.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import OpenAI from 'openai';
import { startStack } from './harness.mjs';

describe('models via the openai SDK', () => {
  let stack;
  let client;

  before(async () => {
    stack = await startStack();
    client = new OpenAI({ baseURL: stack.gateway.apiBase, apiKey: 'client-key', maxRetries: 0, timeout: 20_000 });
  });

  after(async () => {
    await stack?.stop();
  });

  test('models.list() includes the configured model and its alias', async () => {
    const ids = [];
    for await (const model of client.models.list()) {
      assert.equal(model.object, 'model');
      ids.push(model.id);
    }
    assert.ok(ids.includes('openai/gpt-4o-mini'), `ids: ${ids.join(', ')}`);
    assert.ok(ids.includes('fast'), `ids: ${ids.join(', ')}`);
    assert.equal(stack.upstream.requests.length, 0, 'listing models does not call the upstream');
  });

  test('models.retrieve() resolves the alias', async () => {
    const model = await client.models.retrieve('fast');
    assert.equal(model.id, 'fast');
  });
});
