// Plain chat completions through the gateway with the official openai SDK: non-streaming and streaming,
// served by the fake upstream from real recorded OpenAI responses.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import {
  expectedFinishReason,
  expectedStreamContent,
  expectedStreamUsage,
  readFixtureJson,
  readSseChunks,
  readSseData,
  startStack,
} from './harness.mjs';

describe('chat completions via the openai SDK', () => {
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

  test('non-streaming: alias "fast" resolves to gpt-4o-mini, key injected, response relayed', async () => {
    const fixture = readFixtureJson('envoy__chat-basic.0.json');
    stack.upstream.enqueue('envoy__chat-basic.0.json');
    const messages = [{ role: 'user', content: 'Say hi' }];

    const result = await client.chat.completions.create({ model: 'fast', messages });

    assert.equal(result.choices[0].message.content, fixture.choices[0].message.content);
    assert.equal(result.choices[0].finish_reason, fixture.choices[0].finish_reason);
    assert.equal(result.model, fixture.model);
    assert.equal(result.id, fixture.id);
    assert.deepEqual(result.usage, fixture.usage);

    assert.equal(stack.upstream.queue.length, 0, 'the scripted reply was consumed');
    assert.equal(stack.upstream.requests.length, 1, 'exactly one upstream request');
    const [req] = stack.upstream.requests;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, '/v1/chat/completions');
    assert.equal(req.headers.authorization, 'Bearer test-key', 'gateway injects the configured access_key');
    assert.equal(req.body.model, 'gpt-4o-mini', 'alias resolved to the provider model id');
    assert.deepEqual(req.body.messages, messages);
  });

  test('non-streaming: canonical model name openai/gpt-4o-mini', async () => {
    const fixture = readFixtureJson('envoy__chat-basic.0.json');
    stack.upstream.enqueue('envoy__chat-basic.0.json');

    const result = await client.chat.completions.create({ model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });

    assert.equal(result.choices[0].message.content, fixture.choices[0].message.content);
    assert.equal(stack.upstream.requests.length, 1);
    assert.equal(stack.upstream.requests[0].body.model, 'gpt-4o-mini');
    assert.equal(stack.upstream.requests[0].headers.authorization, 'Bearer test-key');
  });

  test('streaming: chat.completions.stream() + finalChatCompletion() reassembles the recorded text', async () => {
    const name = 'envoy__chat-streaming.0.sse';
    const chunks = readSseChunks(name);
    const expectedContent = expectedStreamContent(chunks);
    assert.ok(expectedContent.length > 0, 'fixture has content deltas');
    stack.upstream.enqueue(name);

    const stream = client.chat.completions.stream({ model: 'fast', messages: [{ role: 'user', content: 'Say hi' }] });
    const final = await stream.finalChatCompletion();

    assert.equal(final.choices[0].message.content, expectedContent);
    assert.equal(final.choices[0].finish_reason, expectedFinishReason(chunks));
    assert.equal(final.id, chunks[0].id);
    assert.equal(final.model, chunks[0].model);

    assert.equal(stack.upstream.requests.length, 1);
    const [req] = stack.upstream.requests;
    assert.equal(req.body.stream, true);
    assert.equal(req.body.model, 'gpt-4o-mini');
    assert.equal(req.headers.authorization, 'Bearer test-key');
  });

  test('streaming: create({stream:true}) yields every recorded chunk, unchanged', async () => {
    const name = 'envoy__chat-streaming.0.sse';
    const data = readSseData(name);
    assert.equal(data.at(-1), '[DONE]', 'fixture ends with [DONE]');
    const expectedChunks = readSseChunks(name);
    assert.equal(expectedChunks.length, data.length - 1);
    stack.upstream.enqueue(name);

    const stream = await client.chat.completions.create({ model: 'fast', stream: true, messages: [{ role: 'user', content: 'Say hi' }] });
    const received = [];
    for await (const chunk of stream) {
      received.push(chunk);
    }

    assert.equal(received.length, expectedChunks.length, 'one SDK chunk per recorded data event (minus [DONE])');
    assert.deepEqual(received, expectedChunks);
    assert.equal(expectedStreamContent(received), expectedStreamContent(expectedChunks));
  });

  test('streaming with include_usage: final usage chunk (choices: []) reaches the SDK', async () => {
    const name = 'envoy__chat-streaming-detailed-usage.0.sse';
    const chunks = readSseChunks(name);
    const expectedUsage = expectedStreamUsage(chunks);
    assert.ok(expectedUsage, 'fixture has a usage chunk');
    stack.upstream.enqueue(name);

    const stream = client.chat.completions.stream({
      model: 'fast',
      messages: [{ role: 'user', content: 'Say hi' }],
      stream_options: { include_usage: true },
    });
    const final = await stream.finalChatCompletion();

    assert.deepEqual(final.usage, expectedUsage);
    // This recording hit the token limit during reasoning: its only content delta is "", which the SDK
    // finalizes as null.
    assert.equal(final.choices[0].message.content ?? '', expectedStreamContent(chunks));
    assert.equal(final.choices[0].finish_reason, expectedFinishReason(chunks));
    assert.deepEqual(stack.upstream.requests[0].body.stream_options, { include_usage: true });
  });
});
