// The official openai SDK through the gateway against fake Anthropic Messages, Gemini native and Bedrock Converse
// upstreams replaying real recordings: chat.completions (create, stream().finalChatCompletion(), tools) and the
// Responses API (create, stream().finalResponse(), function calls, previous_response_id chaining). Every expected
// value comes from the recording (oracles.mjs).

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import OpenAI from 'openai';
import { MODELS, startStack } from './harness.mjs';
import { openaiFinishReason, oracleFor } from './oracles.mjs';

const CHAT_TOOLS = [
  {
    type: 'function',
    function: { name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } },
  },
];
const RESPONSES_TOOLS = [
  { type: 'function', name: 'get_weather', description: 'Current weather', parameters: { type: 'object', properties: { location: { type: 'string' } } }, strict: false },
];

// [upstream kind, fixture, { stream, tools }]
const CASES = [
  ['anthropic', 'anthropic/vercel__anthropic-text.json', {}],
  ['anthropic', 'anthropic/pydai__test_anthropic_tool_with_thinking.0.json', { tools: true }],
  ['anthropic', 'anthropic/pydai__test_multiple_parallel_tool_calls.0.json', { tools: true }],
  ['anthropic', 'anthropic/llmanth__test_stream_events_text.0.sse', { stream: true }],
  ['anthropic', 'anthropic/llmanth__test_prompt_with_prefill_and_stop_sequences.0.sse', { stream: true }],
  ['anthropic', 'anthropic/llmanth__test_tools.0.sse', { stream: true, tools: true }],
  ['anthropic', 'anthropic/vercel__anthropic-json-tool.1.chunks.txt', { stream: true, tools: true }],
  ['anthropic', 'anthropic/llmanth__test_thinking_prompt.0.sse', { stream: true }],
  ['anthropic', 'anthropic/pydai__test_anthropic_model_thinking_part_redacted_stream.0.sse', { stream: true }],
  ['gemini', 'gemini/gaijs__unary-success-basic-reply-short.json', {}],
  ['gemini', 'gemini/pydai__test_google_extra_headers.0.json', {}],
  ['gemini', 'gemini/gaijs__streaming-success-basic-reply-long.txt', { stream: true }],
  ['gemini', 'gemini/pydai__test_google_model_stream.0.sse', { stream: true }],
  ['gemini', 'gemini/gaijs__streaming-success-function-call-short.txt', { stream: true, tools: true }],
  ['gemini', 'gemini/pydai__test_google_model_iter_stream.0.sse', { stream: true, tools: true }],
  ['gemini', 'gemini/pydai__test_google_model_thinking_part_iter.0.sse', { stream: true }],
  ['bedrock', 'bedrock/pydai__test_bedrock_model.0.json', {}],
  ['bedrock', 'bedrock/pydai__test_bedrock_anthropic_tool_with_thinking.0.json', { tools: true }],
  ['bedrock', 'bedrock/pydai__test_bedrock_model_stream.0.bin', { stream: true }],
  ['bedrock', 'bedrock/pydai__test_bedrock_model_iter_stream.0.bin', { stream: true, tools: true }],
  ['bedrock', 'bedrock/plano__response_with_tools.hex.bin', { stream: true, tools: true }],
  ['bedrock', 'bedrock/pydai__test_bedrock_model_thinking_part_stream.0.bin', { stream: true }],
];

const UPSTREAM = {
  anthropic: {
    path: () => '/v1/messages',
    auth: (h) => {
      assert.equal(h['x-api-key'], 'ant-key');
      assert.equal(h['anthropic-version'], '2023-06-01');
    },
    /** [{ role, text }] of the conversation the upstream received. */
    turns: (body) =>
      body.messages.map((m) => ({
        role: m.role,
        text: typeof m.content === 'string' ? m.content : m.content.filter((c) => c.type === 'text').map((c) => c.text).join(''),
      })),
  },
  gemini: {
    path: (stream) => `/v1beta/models/gemini-2.5-flash:${stream ? 'streamGenerateContent' : 'generateContent'}`,
    auth: (h) => assert.equal(h['x-goog-api-key'], 'gem-key'),
    turns: (body) =>
      body.contents.map((c) => ({
        role: c.role === 'model' ? 'assistant' : c.role,
        text: c.parts.filter((p) => typeof p.text === 'string' && !p.thought).map((p) => p.text).join(''),
      })),
  },
  bedrock: {
    path: (stream) => `/model/${encodeURIComponent('anthropic.claude-3-7-sonnet-20250219-v1:0')}/${stream ? 'converse-stream' : 'converse'}`,
    auth: (h) => assert.equal(h.authorization, 'Bearer bedrock-key'),
    turns: (body) =>
      body.messages.map((m) => ({ role: m.role, text: m.content.filter((c) => typeof c.text === 'string').map((c) => c.text).join('') })),
  },
};

function assertUpstreamRequest(stack, kind, stream) {
  assert.equal(stack.upstream.requests.length, 1, 'exactly one upstream request');
  assert.equal(stack.upstream.queue.length, 0, 'the recording was served');
  const [req] = stack.upstream.requests;
  assert.equal(req.path, UPSTREAM[kind].path(stream));
  UPSTREAM[kind].auth(req.headers);
  assert.equal(req.headers.authorization === 'Bearer client', false, "the client's key is not forwarded");
  return req;
}

/** Checks a chat completion against what the recording answered. */
function assertChatMatches(completion, oracle, { usage }) {
  const choice = completion.choices[0];
  assert.equal(choice.message.role, 'assistant');
  assert.equal(choice.message.content ?? '', oracle.text, 'message.content is the recorded text');
  const calls = choice.message.tool_calls ?? [];
  assert.deepEqual(
    calls.map((c) => ({ type: c.type, name: c.function.name, input: JSON.parse(c.function.arguments) })),
    oracle.toolCalls.map((c) => ({ type: 'function', name: c.name, input: c.input })),
    'tool_calls: names and arguments as recorded',
  );
  for (const [i, c] of calls.entries()) {
    assert.ok(c.id, 'tool call id present');
    if (oracle.toolCalls[i].id) {
      assert.equal(c.id, oracle.toolCalls[i].id, 'recorded tool call id kept');
    }
  }
  assert.equal(choice.finish_reason, openaiFinishReason(oracle.ir, oracle.toolCalls.length > 0), `finish_reason for upstream ${oracle.stop}`);
  if (usage && oracle.usage) {
    assert.equal(completion.usage?.prompt_tokens, oracle.usage.input, 'usage.prompt_tokens');
    assert.equal(completion.usage?.completion_tokens, oracle.usage.output, 'usage.completion_tokens');
    assert.equal(completion.usage?.total_tokens, oracle.usage.input + oracle.usage.output, 'usage.total_tokens');
  }
}

/** Checks a Responses API response against what the recording answered. */
function assertResponseMatches(response, oracle) {
  assert.equal(response.object, 'response');
  assert.equal(response.status, oracle.ir === 'length' ? 'incomplete' : 'completed');
  assert.equal(response.output_text, oracle.text, 'output_text is the recorded text');
  const calls = response.output.filter((o) => o.type === 'function_call');
  assert.deepEqual(
    calls.map((c) => ({ name: c.name, input: JSON.parse(c.arguments) })),
    oracle.toolCalls.map((c) => ({ name: c.name, input: c.input })),
    'function_call items: names and arguments as recorded',
  );
  for (const [i, c] of calls.entries()) {
    assert.ok(c.call_id, 'call_id present');
    if (oracle.toolCalls[i].id) {
      assert.equal(c.call_id, oracle.toolCalls[i].id, 'recorded tool call id kept as call_id');
    }
  }
  if (oracle.usage) {
    assert.equal(response.usage?.input_tokens, oracle.usage.input, 'usage.input_tokens');
    assert.equal(response.usage?.output_tokens, oracle.usage.output, 'usage.output_tokens');
  }
}

describe('openai SDK against translated upstreams (Anthropic, Gemini, Bedrock)', () => {
  let stack;
  let client;

  before(async () => {
    stack = await startStack();
    client = new OpenAI({ baseURL: stack.gateway.apiBase, apiKey: 'client', maxRetries: 0, timeout: 15_000 });
  });

  after(async () => {
    await stack?.stop();
  });

  beforeEach(() => {
    stack.upstream.reset();
  });

  for (const [kind, fixture, opts] of CASES) {
    const what = opts.tools ? 'tools' : 'text';

    const chatHow = opts.stream ? 'chat.completions.stream().finalChatCompletion()' : 'chat.completions.create';
    test(`${kind} upstream, ${what}: ${chatHow} <- ${fixture}`, async () => {
      const oracle = oracleFor(kind, fixture);
      stack.upstream.enqueue({ fixture, kind });
      const params = { model: MODELS[kind], messages: [{ role: 'user', content: 'Hello there' }], ...(opts.tools ? { tools: CHAT_TOOLS } : {}) };

      let completion;
      if (opts.stream) {
        const stream = client.chat.completions.stream({ ...params, stream_options: { include_usage: true } });
        let fromDeltas = '';
        stream.on('content', (delta) => {
          fromDeltas += delta;
        });
        completion = await stream.finalChatCompletion();
        assert.equal(fromDeltas, oracle.text, 'content deltas add up to the recorded text');
      } else {
        completion = await client.chat.completions.create(params);
      }
      assertChatMatches(completion, oracle, { usage: true });

      const req = assertUpstreamRequest(stack, kind, !!opts.stream);
      assert.deepEqual(UPSTREAM[kind].turns(req.body), [{ role: 'user', text: 'Hello there' }]);
    });

    const respHow = opts.stream ? 'responses.stream().finalResponse()' : 'responses.create';
    test(`${kind} upstream, ${what}: ${respHow} <- ${fixture}`, async () => {
      const oracle = oracleFor(kind, fixture);
      stack.upstream.enqueue({ fixture, kind });
      const params = { model: MODELS[kind], input: 'Hello there', ...(opts.tools ? { tools: RESPONSES_TOOLS } : {}) };

      let response;
      if (opts.stream) {
        const stream = client.responses.stream(params);
        const sequence = [];
        let fromDeltas = '';
        stream.on('event', (e) => {
          sequence.push(e.sequence_number);
        });
        stream.on('response.output_text.delta', (e) => {
          fromDeltas += e.delta;
        });
        response = await stream.finalResponse();
        assert.equal(fromDeltas, oracle.text, 'output_text deltas add up to the recorded text');
        assert.ok(sequence.length > 0);
        assert.deepEqual(sequence, [...sequence].sort((a, b) => a - b), 'sequence_number is monotonic');
      } else {
        response = await client.responses.create(params);
      }
      assertResponseMatches(response, oracle);

      const req = assertUpstreamRequest(stack, kind, !!opts.stream);
      assert.deepEqual(UPSTREAM[kind].turns(req.body), [{ role: 'user', text: 'Hello there' }]);
    });
  }

  for (const [kind, first, second] of [
    ['anthropic', 'anthropic/llmanth__test_stream_events_text.0.sse', 'anthropic/vercel__anthropic-text.json'],
    ['gemini', 'gemini/gaijs__unary-success-basic-reply-short.json', 'gemini/gaijs__streaming-success-basic-reply-long.txt'],
    ['bedrock', 'bedrock/pydai__test_bedrock_model.0.json', 'bedrock/pydai__test_bedrock_model_stream.0.bin'],
  ]) {
    test(`${kind} upstream: previous_response_id — the second call's upstream request holds the earlier turns`, async () => {
      const o1 = oracleFor(kind, first);
      const o2 = oracleFor(kind, second);
      stack.upstream.enqueue({ fixture: first, kind }, { fixture: second, kind });
      const run = (params, stream) => (stream ? client.responses.stream(params).finalResponse() : client.responses.create(params));

      const r1 = await run({ model: MODELS[kind], instructions: 'Be brief.', input: 'First question' }, first.endsWith('.sse') || first.endsWith('.bin') || first.endsWith('.txt'));
      assertResponseMatches(r1, o1);
      const r2 = await run({ model: MODELS[kind], previous_response_id: r1.id, input: 'Second question' }, second.endsWith('.sse') || second.endsWith('.bin') || second.endsWith('.txt'));
      assertResponseMatches(r2, o2);
      assert.equal(r2.previous_response_id, r1.id);
      assert.notEqual(r2.id, r1.id);

      assert.equal(stack.upstream.requests.length, 2);
      const turns = UPSTREAM[kind].turns(stack.upstream.requests[1].body);
      assert.deepEqual(turns, [
        { role: 'user', text: 'First question' },
        { role: 'assistant', text: o1.text },
        { role: 'user', text: 'Second question' },
      ]);
    });
  }

  for (const [kind, first, second] of [
    ['anthropic', 'anthropic/llmanth__test_tools.0.sse', 'anthropic/llmanth__test_tools.1.sse'],
    ['bedrock', 'bedrock/pydai__test_bedrock_model_iter_stream.0.bin', 'bedrock/pydai__test_bedrock_model_iter_stream.1.bin'],
    ['gemini', 'gemini/pydai__test_google_model_iter_stream.0.sse', 'gemini/pydai__test_google_model_iter_stream.2.sse'],
  ]) {
    test(`${kind} upstream: function_call -> function_call_output chained by previous_response_id`, async () => {
      const o1 = oracleFor(kind, first);
      const o2 = oracleFor(kind, second);
      assert.ok(o1.toolCalls.length > 0, 'the first recording calls a tool');
      stack.upstream.enqueue({ fixture: first, kind }, { fixture: second, kind });

      const r1 = await client.responses.stream({ model: MODELS[kind], input: 'Use the tool', tools: RESPONSES_TOOLS }).finalResponse();
      assertResponseMatches(r1, o1);
      const calls = r1.output.filter((o) => o.type === 'function_call');
      const r2 = await client.responses
        .stream({
          model: MODELS[kind],
          previous_response_id: r1.id,
          tools: RESPONSES_TOOLS,
          input: calls.map((c, i) => ({ type: 'function_call_output', call_id: c.call_id, output: `result-${i}` })),
        })
        .finalResponse();
      assertResponseMatches(r2, o2);

      const body = stack.upstream.requests[1].body;
      if (kind === 'anthropic') {
        const assistant = body.messages.find((m) => m.role === 'assistant');
        assert.deepEqual(
          assistant.content.filter((c) => c.type === 'tool_use').map((c) => ({ id: c.id, name: c.name, input: c.input })),
          o1.toolCalls.map((c) => ({ id: c.id, name: c.name, input: c.input })),
        );
        const results = body.messages.at(-1).content.filter((c) => c.type === 'tool_result');
        assert.deepEqual(results.map((r) => r.tool_use_id), calls.map((c) => c.call_id));
        assert.ok(JSON.stringify(results).includes('result-0'));
      } else if (kind === 'bedrock') {
        const assistant = body.messages.find((m) => m.role === 'assistant');
        assert.deepEqual(
          assistant.content.filter((c) => c.toolUse).map((c) => c.toolUse),
          o1.toolCalls.map((c) => ({ toolUseId: c.id, name: c.name, input: c.input })),
        );
        const results = body.messages.at(-1).content.filter((c) => c.toolResult).map((c) => c.toolResult);
        assert.deepEqual(results.map((r) => r.toolUseId), calls.map((c) => c.call_id));
        assert.ok(JSON.stringify(results).includes('result-0'));
      } else {
        const model = body.contents.find((c) => c.role === 'model');
        assert.deepEqual(
          model.parts.filter((p) => p.functionCall).map((p) => ({ name: p.functionCall.name, args: p.functionCall.args })),
          o1.toolCalls.map((c) => ({ name: c.name, args: c.input })),
        );
        const responses = body.contents.at(-1).parts.filter((p) => p.functionResponse).map((p) => p.functionResponse);
        assert.deepEqual(responses.map((r) => r.name), o1.toolCalls.map((c) => c.name));
        assert.ok(JSON.stringify(responses).includes('result-0'));
      }
    });
  }

  test('previous_response_id that the gateway never issued -> ConflictError (409, as Plano), upstream never called', async () => {
    await assert.rejects(client.responses.create({ model: MODELS.anthropic, previous_response_id: 'resp_does_not_exist', input: 'hi' }), (err) => {
      assert.ok(err instanceof OpenAI.ConflictError, `expected ConflictError, got ${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.status, 409);
      assert.equal(err.code, 'previous_response_not_found');
      return true;
    });
    assert.equal(stack.upstream.requests.length, 0);
  });
});
