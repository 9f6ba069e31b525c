// Tool calls through the gateway with the official openai SDK, non-streaming and streamed (including parallel
// calls), served by the fake upstream from real recorded OpenAI responses.

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import {
  expectedFinishReason,
  expectedStreamToolCalls,
  expectedStreamUsage,
  readFixtureJson,
  readSseChunks,
  startStack,
} from './harness.mjs';

const tools = [
  {
    type: 'function',
    function: {
      name: 'some_tool',
      description: 'Request-side tool definition; the recorded response decides which tools are called.',
      parameters: { type: 'object', properties: {}, additionalProperties: true },
    },
  },
];

function toolCallSummary(toolCalls) {
  return toolCalls.map((tc) => ({ id: tc.id, type: tc.type, name: tc.function.name, arguments: tc.function.arguments }));
}

describe('tool calls via the openai SDK', () => {
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

  for (const name of ['envoy__chat-tools.0.json', 'llm__test_tool_use_chain_of_two_calls.0.json']) {
    test(`non-streaming tool_calls (${name})`, async () => {
      const fixture = readFixtureJson(name);
      const expected = fixture.choices[0].message.tool_calls;
      assert.ok(expected?.length > 0, 'fixture has tool_calls');
      stack.upstream.enqueue(name);

      const result = await client.chat.completions.create({ model: 'fast', messages: [{ role: 'user', content: 'use the tool' }], tools });

      const message = result.choices[0].message;
      assert.equal(result.choices[0].finish_reason, fixture.choices[0].finish_reason);
      assert.equal(message.content, fixture.choices[0].message.content);
      assert.deepEqual(toolCallSummary(message.tool_calls), toolCallSummary(expected));
      assert.deepEqual(result.usage, fixture.usage);

      assert.equal(stack.upstream.requests.length, 1);
      const [req] = stack.upstream.requests;
      assert.deepEqual(req.body.tools, tools, 'tools forwarded unchanged');
      assert.equal(req.body.model, 'gpt-4o-mini');
    });
  }

  const streamed = [
    { name: 'llm__test_tool_use_basic.0.sse', what: 'single tool call, arguments in many small deltas' },
    { name: 'pydai__test_complex_agent_run.0.sse', what: 'parallel tool calls (index 0 and 1)' },
  ];
  for (const { name, what } of streamed) {
    test(`streamed tool_calls: ${what} (${name})`, async () => {
      const chunks = readSseChunks(name);
      const expected = expectedStreamToolCalls(chunks);
      assert.ok(expected.length > 0, 'fixture has tool call deltas');
      stack.upstream.enqueue(name);

      const stream = client.chat.completions.stream({
        model: 'fast',
        messages: [{ role: 'user', content: 'use the tools' }],
        tools,
        stream_options: { include_usage: true },
      });
      const final = await stream.finalChatCompletion();

      const choice = final.choices[0];
      assert.equal(choice.finish_reason, expectedFinishReason(chunks));
      assert.equal(choice.message.tool_calls.length, expected.length);
      assert.deepEqual(
        toolCallSummary(choice.message.tool_calls),
        expected.map((e) => ({ id: e.id, type: e.type, name: e.name, arguments: e.arguments })),
      );
      for (const tc of choice.message.tool_calls) {
        assert.doesNotThrow(() => JSON.parse(tc.function.arguments), `arguments of ${tc.function.name} are complete JSON`);
      }
      const usage = expectedStreamUsage(chunks);
      if (usage) {
        assert.deepEqual(final.usage, usage);
      }

      assert.equal(stack.upstream.requests.length, 1);
      assert.equal(stack.upstream.requests[0].body.stream, true);
      assert.equal(stack.upstream.requests[0].headers.authorization, 'Bearer test-key');
    });
  }
});
