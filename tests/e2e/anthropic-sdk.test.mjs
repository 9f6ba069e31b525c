// The official @anthropic-ai/sdk through the gateway's POST /v1/messages, against fake OpenAI-chat (OpenAI and
// DeepSeek recordings), Gemini native and Bedrock Converse upstreams replaying real recordings: messages.create,
// messages.stream().finalMessage(), tools and thinking. Every expected value comes from the recording (oracles.mjs).

import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import fs from 'node:fs';
import { fixturePath, MODELS, readFixtureJson, readSseData, startStack } from './harness.mjs';
import { anthropicStopReason, anthropicUsage, oracleFor } from './oracles.mjs';

const TOOLS = [
  {
    name: 'get_weather',
    description: 'Current weather for a location',
    input_schema: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  },
];

// [upstream kind, model, fixture, { stream, tools, thinking }]
const CASES = [
  // OpenAI chat upstream
  ['openai', MODELS.openai, 'openai/envoy__chat-basic.0.json', {}],
  ['openai', MODELS.openai, 'openai/envoy__chat-tools.0.json', { tools: true }],
  ['openai', MODELS.openai, 'openai/envoy__chat-parallel-tools.0.json', { tools: true }],
  ['openai', MODELS.openai, 'openai/llm__test_tool_use_basic.1.sse', { stream: true }],
  ['openai', MODELS.openai, 'openai/llm__test_tool_use_basic.0.sse', { stream: true, tools: true }],
  ['openai', MODELS.openai, 'openai/pydai__test_complex_agent_run.0.sse', { stream: true, tools: true }],
  ['openai', MODELS.openai, 'openai/envoy__chat-streaming-detailed-usage.0.sse', { stream: true }],
  // OpenAI-compatible upstream with reasoning_content (DeepSeek)
  ['openai', MODELS.deepseek, 'deepseek/vercel__deepseek-reasoning.json', { thinking: true }],
  ['openai', MODELS.deepseek, 'deepseek/vercel__deepseek-tool-call.json', { thinking: true, tools: true }],
  ['openai', MODELS.deepseek, 'deepseek/vercel__deepseek-tool-call.chunks.txt', { stream: true, thinking: true, tools: true }],
  // Gemini native upstream
  ['gemini', MODELS.gemini, 'gemini/gaijs__unary-success-basic-reply-short.json', {}],
  ['gemini', MODELS.gemini, 'gemini/pydai__test_google_extra_headers.0.json', {}],
  ['gemini', MODELS.gemini, 'gemini/gaijs__streaming-success-basic-reply-long.txt', { stream: true }],
  ['gemini', MODELS.gemini, 'gemini/gaijs__streaming-success-utf8.txt', { stream: true }],
  ['gemini', MODELS.gemini, 'gemini/pydai__test_google_stream_usage_is_live_mid_stream.0.sse', { stream: true }],
  ['gemini', MODELS.gemini, 'gemini/gaijs__streaming-success-function-call-short.txt', { stream: true, tools: true }],
  ['gemini', MODELS.gemini, 'gemini/pydai__test_google_model_iter_stream.0.sse', { stream: true, tools: true }],
  ['gemini', MODELS.gemini, 'gemini/pydai__test_google_model_thinking_part_iter.0.sse', { stream: true, thinking: true }],
  ['gemini', MODELS.gemini, 'gemini/pydai__test_google_streaming_tool_call_thought_signature.0.sse', { stream: true, thinking: true, tools: true }],
  ['gemini', MODELS.gemini, 'gemini/vercel__google-reasoning-gemini3.chunks.txt', { stream: true, thinking: true }],
  // Bedrock Converse upstream
  ['bedrock', MODELS.bedrock, 'bedrock/pydai__test_bedrock_model.0.json', {}],
  ['bedrock', MODELS.bedrock, 'bedrock/pydai__test_bedrock_anthropic_tool_with_thinking.0.json', { thinking: true, tools: true }],
  ['bedrock', MODELS.bedrock, 'bedrock/pydai__test_bedrock_moonshotai_tool_call.0.json', { tools: true }],
  ['bedrock', MODELS.bedrock, 'bedrock/pydai__test_bedrock_model_stream.0.bin', { stream: true }],
  ['bedrock', MODELS.bedrock, 'bedrock/pydai__test_bedrock_model_stream_empty_text_delta.0.bin', { stream: true }],
  ['bedrock', MODELS.bedrock, 'bedrock/pydai__test_bedrock_model_iter_stream.0.bin', { stream: true, tools: true }],
  ['bedrock', MODELS.bedrock, 'bedrock/plano__response_with_tools.hex.bin', { stream: true, tools: true }],
  ['bedrock', MODELS.bedrock, 'bedrock/pydai__test_bedrock_model_thinking_part_stream.0.bin', { stream: true, thinking: true }],
  ['bedrock', MODELS.bedrock, 'bedrock/pydai__test_bedrock_model_thinking_part_redacted_stream.0.bin', { stream: true, thinking: true }],
];

const UPSTREAM_AUTH = {
  openai: (h, model) => assert.equal(h.authorization, model === MODELS.deepseek ? 'Bearer ds-key' : 'Bearer test-key'),
  gemini: (h) => assert.equal(h['x-goog-api-key'], 'gem-key'),
  bedrock: (h) => assert.equal(h.authorization, 'Bearer bedrock-key'),
};

const UPSTREAM_PATH = {
  openai: () => '/v1/chat/completions',
  gemini: (stream) => `/v1beta/models/gemini-2.5-flash:${stream ? 'streamGenerateContent' : 'generateContent'}`,
  bedrock: (stream) => `/model/${encodeURIComponent('anthropic.claude-3-7-sonnet-20250219-v1:0')}/${stream ? 'converse-stream' : 'converse'}`,
};

/** The id the upstream sent in the recording (OpenAI `id`, Gemini `responseId`); Bedrock Converse sends none. */
function recordedId(kind, fixture) {
  if (kind === 'bedrock') {
    return undefined;
  }
  const first = fixture.endsWith('.json')
    ? readFixtureJson(fixture)
    : fixture.endsWith('.chunks.txt')
      ? JSON.parse(fs.readFileSync(fixturePath(fixture), 'utf8').split('\n').find((l) => l.trim()))
      : JSON.parse(readSseData(fixture)[0]);
  return (kind === 'gemini' ? first.responseId : first.id) || undefined;
}

/** Checks an Anthropic Message against what the recording answered. */
function assertMessageMatches(msg, oracle, kind) {
  assert.equal(msg.type, 'message');
  assert.equal(msg.role, 'assistant');

  const text = msg.content.filter((b) => b.type === 'text').map((b) => b.text).join('');
  assert.equal(text, oracle.text, 'text blocks carry the recorded text');

  const toolUses = msg.content.filter((b) => b.type === 'tool_use');
  assert.deepEqual(
    toolUses.map((b) => ({ name: b.name, input: b.input })),
    oracle.toolCalls.map((c) => ({ name: c.name, input: c.input })),
    'tool_use blocks: names and inputs equal the recorded arguments',
  );
  for (const [i, b] of toolUses.entries()) {
    assert.ok(typeof b.id === 'string' && b.id.length > 0, 'tool_use id present');
    if (oracle.toolCalls[i].id) {
      assert.equal(b.id, oracle.toolCalls[i].id, 'recorded tool call id kept');
    }
  }
  assert.equal(new Set(toolUses.map((b) => b.id)).size, toolUses.length, 'tool_use ids are distinct');

  const thinking = msg.content.filter((b) => b.type === 'thinking');
  assert.equal(
    thinking.map((b) => b.thinking).join(''),
    oracle.thinking.map((t) => t.text).join(''),
    'thinking blocks carry the recorded reasoning text',
  );
  const expectedSignatures = kind === 'gemini' ? oracle.signatures : oracle.thinking.map((t) => t.signature).filter(Boolean);
  assert.deepEqual(
    thinking.map((b) => b.signature).filter(Boolean),
    expectedSignatures,
    'every signature the upstream sent reaches the client, in order',
  );
  assert.deepEqual(
    msg.content.filter((b) => b.type === 'redacted_thinking').map((b) => b.data),
    oracle.redacted,
    'redacted reasoning preserved',
  );

  assert.equal(msg.stop_reason, anthropicStopReason(oracle.ir, oracle.toolCalls.length > 0), `stop_reason for upstream ${oracle.stop}`);
  if (oracle.usage) {
    const u = anthropicUsage(oracle.usage);
    assert.equal(msg.usage.input_tokens, u.input_tokens, 'usage.input_tokens');
    assert.equal(msg.usage.output_tokens, u.output_tokens, 'usage.output_tokens');
    if (oracle.usage.cacheRead) {
      assert.equal(msg.usage.cache_read_input_tokens, oracle.usage.cacheRead, 'usage.cache_read_input_tokens');
    }
  }
}

describe('@anthropic-ai/sdk via /v1/messages against translated upstreams', () => {
  let stack;
  let client;

  before(async () => {
    stack = await startStack();
    client = new Anthropic({ baseURL: stack.gateway.anthropicBase, apiKey: 'client', maxRetries: 0, timeout: 15_000 });
  });

  after(async () => {
    await stack?.stop();
  });

  beforeEach(() => {
    stack.upstream.reset();
  });

  for (const [kind, model, fixture, opts] of CASES) {
    const how = opts.stream ? 'messages.stream().finalMessage()' : 'messages.create';
    const what = [opts.tools && 'tools', opts.thinking && 'thinking'].filter(Boolean).join(' + ') || 'text';
    test(`${kind} upstream (${model}), ${what}: ${how} <- ${fixture}`, async () => {
      const oracle = oracleFor(kind, fixture);
      stack.upstream.enqueue({ fixture, kind });
      const params = {
        model,
        max_tokens: 2048,
        messages: [{ role: 'user', content: 'Hello there' }],
        ...(opts.tools ? { tools: TOOLS } : {}),
        ...(opts.thinking ? { thinking: { type: 'enabled', budget_tokens: 1024 } } : {}),
      };

      let msg;
      if (opts.stream) {
        const stream = client.messages.stream(params);
        let textFromEvents = '';
        stream.on('text', (delta) => {
          textFromEvents += delta;
        });
        msg = await stream.finalMessage();
        assert.equal(textFromEvents, oracle.text, "the stream's text events add up to the recorded text");
      } else {
        msg = await client.messages.create(params);
      }

      assertMessageMatches(msg, oracle, kind);
      // Anthropic-style id: msg_ + the upstream's id, or a fresh one of Anthropic's shape when it sent none.
      const upstreamId = recordedId(kind, fixture);
      if (upstreamId) {
        assert.equal(msg.id, `msg_${upstreamId}`, 'message id is msg_ + the upstream id');
      } else {
        assert.match(msg.id, /^msg_01[1-9A-HJ-NP-Za-km-z]{22}$/, 'fresh message id of Anthropic shape');
      }

      assert.equal(stack.upstream.requests.length, 1, 'exactly one upstream request');
      assert.equal(stack.upstream.queue.length, 0, 'the recording was served');
      const [req] = stack.upstream.requests;
      assert.equal(req.path, UPSTREAM_PATH[kind](!!opts.stream));
      UPSTREAM_AUTH[kind](req.headers, model);
      assert.equal(req.headers['x-api-key'], undefined, "the client's x-api-key is not forwarded");
      if (kind === 'openai') {
        assert.equal(req.body.stream ?? false, !!opts.stream);
        assert.equal(req.body.model, model.split('/')[1]);
        assert.deepEqual(req.body.messages.at(-1), { role: 'user', content: 'Hello there' });
        if (opts.tools) {
          assert.deepEqual(req.body.tools.map((t) => t.function.name), TOOLS.map((t) => t.name));
        }
      } else if (kind === 'gemini') {
        assert.equal(req.search, opts.stream ? '?alt=sse' : '');
        assert.deepEqual(req.body.contents.at(-1), { role: 'user', parts: [{ text: 'Hello there' }] });
        if (opts.tools) {
          assert.deepEqual(req.body.tools.flatMap((t) => t.functionDeclarations.map((f) => f.name)), TOOLS.map((t) => t.name));
        }
      } else {
        assert.deepEqual(req.body.messages.at(-1), { role: 'user', content: [{ text: 'Hello there' }] });
        if (opts.tools) {
          assert.deepEqual(req.body.toolConfig.tools.map((t) => t.toolSpec.name), TOOLS.map((t) => t.name));
        }
      }
    });
  }

  test('bedrock upstream: a tool round trip — tool_use from the recording, then the tool_result turn reaches Converse', async () => {
    const first = 'bedrock/pydai__test_bedrock_model_iter_stream.0.bin';
    const second = 'bedrock/pydai__test_bedrock_model_iter_stream.1.bin';
    const o1 = oracleFor('bedrock', first);
    const o2 = oracleFor('bedrock', second);
    stack.upstream.enqueue(first, second);

    const params = { model: MODELS.bedrock, max_tokens: 1024, tools: TOOLS, messages: [{ role: 'user', content: 'Temperature in the capital of France?' }] };
    const m1 = await client.messages.stream(params).finalMessage();
    assertMessageMatches(m1, o1, 'bedrock');
    const call = m1.content.find((b) => b.type === 'tool_use');
    const m2 = await client.messages
      .stream({
        ...params,
        messages: [...params.messages, { role: 'assistant', content: m1.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '30°C' }] }],
      })
      .finalMessage();
    assertMessageMatches(m2, o2, 'bedrock');

    const req = stack.upstream.requests[1].body;
    const assistant = req.messages.at(-2);
    const user = req.messages.at(-1);
    assert.equal(assistant.role, 'assistant');
    assert.deepEqual(
      assistant.content.filter((c) => c.toolUse).map((c) => c.toolUse),
      o1.toolCalls.map((c) => ({ toolUseId: c.id, name: c.name, input: c.input })),
    );
    assert.equal(user.role, 'user');
    const result = user.content.find((c) => c.toolResult)?.toolResult;
    assert.equal(result?.toolUseId, call.id);
    assert.equal(JSON.stringify(result.content).includes('30°C'), true);
  });

  test('gemini upstream: a tool round trip — functionResponse (with the thought signature sent back) reaches Gemini', async () => {
    const first = 'gemini/pydai__test_google_streaming_tool_call_thought_signature.0.sse';
    const second = 'gemini/pydai__test_google_streaming_tool_call_thought_signature.1.sse';
    const o1 = oracleFor('gemini', first);
    const o2 = oracleFor('gemini', second);
    stack.upstream.enqueue(first, second);

    const tools = [{ name: o1.toolCalls[0].name, description: 'country', input_schema: { type: 'object', properties: {} } }];
    const params = { model: MODELS.gemini, max_tokens: 1024, tools, messages: [{ role: 'user', content: 'Where am I?' }] };
    const m1 = await client.messages.stream(params).finalMessage();
    assertMessageMatches(m1, o1, 'gemini');
    const call = m1.content.find((b) => b.type === 'tool_use');
    const m2 = await client.messages
      .stream({
        ...params,
        messages: [...params.messages, { role: 'assistant', content: m1.content }, { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: 'Mexico' }] }],
      })
      .finalMessage();
    assertMessageMatches(m2, o2, 'gemini');

    const contents = stack.upstream.requests[1].body.contents;
    const model = contents.find((c) => c.role === 'model');
    const fc = model.parts.find((p) => p.functionCall);
    assert.equal(fc.functionCall.name, o1.toolCalls[0].name);
    assert.equal(fc.thoughtSignature, o1.signatures[0], 'the recorded thought signature goes back on the functionCall');
    const fr = contents.at(-1).parts.find((p) => p.functionResponse);
    assert.equal(fr?.functionResponse?.name, o1.toolCalls[0].name);
    assert.ok(JSON.stringify(fr.functionResponse.response).includes('Mexico'));
  });
});
