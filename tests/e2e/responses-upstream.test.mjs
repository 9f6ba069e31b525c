// The OpenAI Responses API as an upstream for chat and Anthropic clients (issue 11): the official SDKs' strict
// helpers — chat.completions.stream().finalChatCompletion() and messages.stream().finalMessage() — against a
// Responses-only model (openai/o3-pro) whose fake upstream replays recorded /v1/responses answers and streams.
// Every expected value is read from the recording.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { gatewayConfigYaml, startStack } from './harness.mjs';
import { readJson, readSseEvents } from './oracles.mjs';

const MODEL = 'openai/o3-pro';
const TOOL = {
  name: 'llm_version',
  description: 'Return the installed version of llm',
  parameters: { type: 'object', properties: {} },
};

/** What a recorded Responses answer or stream says: text, function calls, usage. */
function responsesOracle(name) {
  let response;
  let text = '';
  const args = new Map();
  if (name.endsWith('.json')) {
    response = readJson(name);
  } else {
    for (const e of readSseEvents(name).map((ev) => (typeof ev.data === 'string' ? JSON.parse(ev.data) : ev.data ?? ev))) {
      if (e.type === 'response.output_text.delta') {
        text += e.delta;
      } else if (e.type === 'response.function_call_arguments.delta') {
        args.set(e.item_id, (args.get(e.item_id) ?? '') + e.delta);
      } else if (e.type === 'response.completed') {
        response = e.response;
      }
    }
  }
  assert.ok(response, `${name}: the recording holds a completed response`);
  const messages = response.output.filter((o) => o.type === 'message');
  const fromOutput = messages.flatMap((m) => m.content.filter((c) => c.type === 'output_text').map((c) => c.text)).join('');
  const calls = response.output
    .filter((o) => o.type === 'function_call')
    .map((o) => ({ id: o.call_id, name: o.name, arguments: o.arguments || args.get(o.id) || '' }));
  const oracle = { text: name.endsWith('.json') ? fromOutput : text || fromOutput, calls, usage: response.usage };
  assert.ok(oracle.text.length > 0 || oracle.calls.length > 0, `${name}: the recording answers something`);
  assert.ok(oracle.usage?.output_tokens > 0, `${name}: the recording reports usage`);
  return oracle;
}

const CASES = [
  ['openai-responses/llm__test_responses_basic_non_streaming.0.json', { stream: false }],
  ['openai-responses/llm__test_responses_basic_streaming.0.sse', { stream: true }],
  ['openai-responses/llm__test_responses_tool_use.0.json', { stream: false, tools: true }],
  ['openai-responses/llm__test_responses_tool_use_streaming.0.sse', { stream: true, tools: true }],
];

describe('Responses upstream: official SDK strict helpers', () => {
  let stack;
  let openai;
  let anthropic;

  before(async () => {
    stack = await startStack({
      config: (port) =>
        gatewayConfigYaml(port, { providers: `  - model: ${MODEL}\n    access_key: oai-key\n    base_url: http://127.0.0.1:${port}\n` }),
    });
    openai = new OpenAI({ baseURL: stack.gateway.apiBase, apiKey: 'client', maxRetries: 0, timeout: 15_000 });
    anthropic = new Anthropic({ baseURL: stack.gateway.anthropicBase, apiKey: 'client', maxRetries: 0, timeout: 15_000 });
  });

  after(async () => {
    await stack?.stop();
  });

  beforeEach(() => {
    stack.upstream.reset();
  });

  function upstreamRequest(stream) {
    assert.equal(stack.upstream.requests.length, 1, 'exactly one upstream request');
    assert.equal(stack.upstream.queue.length, 0, 'the recording was served');
    const [req] = stack.upstream.requests;
    assert.equal(req.path, '/v1/responses', 'a Responses-only model is sent to /v1/responses');
    assert.equal(req.headers.authorization, 'Bearer oai-key');
    assert.equal(req.body.model, 'o3-pro');
    assert.equal(req.body.stream === true, stream);
    assert.equal(req.body.store, false);
    return req;
  }

  for (const [fixture, opts] of CASES) {
    const how = opts.stream ? 'chat.completions.stream().finalChatCompletion()' : 'chat.completions.create';
    test(`chat client, ${opts.tools ? 'tools' : 'text'}: ${how} <- ${fixture}`, async () => {
      const oracle = responsesOracle(fixture);
      assert.equal(oracle.calls.length > 0, !!opts.tools, 'the case matches its recording');
      stack.upstream.enqueue({ fixture, kind: 'openai-responses' });
      const params = {
        model: MODEL,
        messages: [{ role: 'user', content: 'Hello there' }],
        ...(opts.tools ? { tools: [{ type: 'function', function: TOOL }] } : {}),
      };
      let completion;
      if (opts.stream) {
        const stream = openai.chat.completions.stream({ ...params, stream_options: { include_usage: true } });
        let fromDeltas = '';
        stream.on('content', (d) => {
          fromDeltas += d;
        });
        completion = await stream.finalChatCompletion();
        assert.equal(fromDeltas, oracle.text, 'content deltas add up to the recorded text');
      } else {
        completion = await openai.chat.completions.create(params);
      }
      const choice = completion.choices[0];
      assert.equal(choice.message.content ?? '', oracle.text);
      const calls = choice.message.tool_calls ?? [];
      assert.deepEqual(
        calls.map((c) => ({ id: c.id, name: c.function.name, arguments: JSON.parse(c.function.arguments || '{}') })),
        oracle.calls.map((c) => ({ id: c.id, name: c.name, arguments: JSON.parse(c.arguments || '{}') })),
      );
      assert.equal(choice.finish_reason, oracle.calls.length > 0 ? 'tool_calls' : 'stop');
      assert.equal(completion.usage.prompt_tokens, oracle.usage.input_tokens);
      assert.equal(completion.usage.completion_tokens, oracle.usage.output_tokens);

      const req = upstreamRequest(!!opts.stream);
      assert.deepEqual(req.body.input.map((i) => i.role), ['user']);
      assert.equal(JSON.stringify(req.body.input[0].content).includes('Hello there'), true);
    });

    const mhow = opts.stream ? 'messages.stream().finalMessage()' : 'messages.create';
    test(`Anthropic client, ${opts.tools ? 'tools' : 'text'}: ${mhow} <- ${fixture}`, async () => {
      const oracle = responsesOracle(fixture);
      stack.upstream.enqueue({ fixture, kind: 'openai-responses' });
      const params = {
        model: MODEL,
        max_tokens: 1024,
        messages: [{ role: 'user', content: 'Hello there' }],
        ...(opts.tools ? { tools: [{ name: TOOL.name, description: TOOL.description, input_schema: TOOL.parameters }] } : {}),
      };
      let msg;
      if (opts.stream) {
        const stream = anthropic.messages.stream(params);
        let fromDeltas = '';
        stream.on('text', (d) => {
          fromDeltas += d;
        });
        msg = await stream.finalMessage();
        assert.equal(fromDeltas, oracle.text, 'text deltas add up to the recorded text');
      } else {
        msg = await anthropic.messages.create(params);
      }
      assert.match(msg.id, /^msg_/);
      assert.equal(msg.content.filter((b) => b.type === 'text').map((b) => b.text).join(''), oracle.text);
      assert.deepEqual(
        msg.content.filter((b) => b.type === 'tool_use').map((b) => ({ id: b.id, name: b.name, input: b.input })),
        oracle.calls.map((c) => ({ id: c.id, name: c.name, input: JSON.parse(c.arguments || '{}') })),
      );
      assert.equal(msg.stop_reason, oracle.calls.length > 0 ? 'tool_use' : 'end_turn');
      assert.equal(msg.usage.output_tokens, oracle.usage.output_tokens);
      upstreamRequest(!!opts.stream);
    });
  }
});
