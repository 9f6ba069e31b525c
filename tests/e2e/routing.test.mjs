// Preference routing (docs/routing.md) through the real gateway with the official SDKs: `model: "auto"`, no model and
// inline `routing_preferences` make the gateway ask a router model — here a fake Plano-Orchestrator on its own port,
// answering in a recorded Ollama completion envelope, by keyword from the prompt's <conversation> section — and the
// chosen route's models are served by the fake upstream from real recordings (Anthropic, Gemini, DeepSeek, OpenAI), so
// translation runs too. Also: the routing/explain headers, the decision API, session affinity and failing open.
// Every expected answer comes from the recording (oracles.mjs).

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, beforeEach, describe, test } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { MODELS, gatewayConfigYaml, keywordRouter, startFakeRouter, startStack } from './harness.mjs';
import { anthropicStopReason, anthropicUsage, openaiFinishReason, oracleFor } from './oracles.mjs';

/** The config's routes (in config order): name -> candidate models in dispatch order. */
const ROUTES = [
  { name: 'coding', description: 'writing, reviewing or debugging code', models: [MODELS.anthropic, MODELS.openai] },
  { name: 'creative', description: 'poems, stories and other creative writing', models: [MODELS.gemini, MODELS.bedrock] },
];
const CODING = ROUTES[0];
const CREATIVE = ROUTES[1];

/** Plano-Orchestrator answers (an empty list means no route fits). */
const ANSWER = {
  coding: '{"route": ["coding"]}',
  creative: '{"route": ["creative"]}',
  refactoring: '{"route": ["refactoring"]}',
  none: '{"route": []}',
};

const CODING_PROMPT = 'Write a Python function that parses ISO 8601 dates.';
const CREATIVE_PROMPT = 'Write a short poem about the sea at night.';
const REFACTOR_PROMPT = 'Refactor this loop into a list comprehension: for x in xs: out.append(x * 2)';
const NEUTRAL_PROMPT = 'What is the capital of France?';

/** The fake router's default behaviour: keywords of the conversation section pick the route. */
const byKeyword = keywordRouter(
  [
    ['refactor', ANSWER.refactoring],
    ['python', ANSWER.coding],
    ['poem', ANSWER.creative],
  ],
  ANSWER.none,
);

/** The suite's gateway config plus the router model entry, the routes and `overrides.llm_routing_model`. */
function routingConfig(routerPort) {
  return (upstreamPort) =>
    gatewayConfigYaml(upstreamPort, {
      providers: `  - name: router
    model: ollama/plano-orchestrator
    base_url: http://127.0.0.1:${routerPort}
`,
      extra: `routing_preferences:
${ROUTES.map((r) => `  - name: ${r.name}\n    description: ${r.description}\n    models: [${r.models.map((m) => JSON.stringify(m)).join(', ')}]\n`).join('')}overrides:
  llm_routing_model: router
  router_timeout: 5s
`,
    });
}

const EXPLAIN = { 'x-switchyard-explain': '1' };

/** The routing headers of a response (null when absent). */
function routing(response) {
  const h = (name) => response.headers.get(name);
  return {
    method: h('x-switchyard-routing'),
    route: h('x-switchyard-route'),
    candidates: h('x-switchyard-candidates'),
    model: h('x-switchyard-model'),
    failure: h('x-switchyard-router-failure'),
  };
}

/** The parsed `x-switchyard-explain` response header. */
function explanation(response) {
  const raw = response.headers.get('x-switchyard-explain');
  assert.ok(raw, 'x-switchyard-explain header present');
  return JSON.parse(raw);
}

/** Text of the user turns of an Anthropic Messages request body. */
function anthropicUserText(body) {
  return body.messages
    .filter((m) => m.role === 'user')
    .map((m) => (typeof m.content === 'string' ? m.content : m.content.filter((c) => c.type === 'text').map((c) => c.text).join('')))
    .join('\n');
}

describe('preference routing via the openai and @anthropic-ai/sdk SDKs', () => {
  let router;
  let stack;
  let openai;
  let anthropic;

  before(async () => {
    router = await startFakeRouter(byKeyword);
    try {
      stack = await startStack({ config: routingConfig(router.port) });
    } catch (err) {
      await router.close();
      throw err;
    }
    openai = new OpenAI({ baseURL: stack.gateway.apiBase, apiKey: 'client', maxRetries: 0, timeout: 20_000 });
    anthropic = new Anthropic({ baseURL: stack.gateway.anthropicBase, apiKey: 'client', maxRetries: 0, timeout: 20_000 });
  });

  after(async () => {
    try {
      await stack?.stop();
    } finally {
      await router?.close();
    }
  });

  beforeEach(() => {
    stack.upstream.reset();
    router.reset();
    router.answer = byKeyword;
  });

  /** The one request the router got: the Plano-Orchestrator contract, and the conversation it was shown. */
  function assertRouterAskedOnce({ routes, shown }) {
    assert.equal(router.requests.length, 1, 'the router was asked exactly once');
    const [call] = router.requests;
    assert.equal(call.path, '/v1/chat/completions');
    assert.equal(call.body.model, 'plano-orchestrator', "the router entry's model id");
    assert.equal(call.body.stream, false);
    assert.deepEqual(call.routes, routes, 'routes listed in the router prompt');
    assert.ok(call.conversation?.includes(JSON.stringify(shown).slice(1, -1)), `the conversation section shows ${JSON.stringify(shown)}`);
    return call;
  }

  test('openai SDK chat.completions.create, model auto, coding prompt -> coding route primary (Anthropic, translated) with routing headers', async () => {
    const fixture = 'anthropic/vercel__anthropic-text.json';
    const oracle = oracleFor('anthropic', fixture);
    stack.upstream.enqueue(fixture);
    const messages = [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: CODING_PROMPT },
    ];

    const { data, response } = await openai.chat.completions.create({ model: 'auto', messages }, { headers: EXPLAIN }).withResponse();

    assert.equal(data.object, 'chat.completion');
    assert.equal(data.choices[0].message.content, oracle.text, 'the recorded answer of the route primary');
    assert.equal(data.choices[0].finish_reason, openaiFinishReason(oracle.ir, false), `finish_reason for upstream ${oracle.stop}`);
    assert.equal(data.usage?.prompt_tokens, oracle.usage.input);
    assert.equal(data.usage?.completion_tokens, oracle.usage.output);

    assert.deepEqual(routing(response), {
      method: 'preference',
      route: CODING.name,
      candidates: CODING.models.join(', '),
      model: CODING.models[0],
      failure: null,
    });
    const explain = explanation(response);
    assert.deepEqual(explain.models, CODING.models);
    assert.equal(explain.route, CODING.name);
    assert.equal(explain.pinned, false);
    assert.equal(explain.method, 'preference');
    assert.equal(explain.explanation.preferences, 'config');
    assert.equal(explain.explanation.router.model, 'router');
    assert.equal(explain.explanation.router.raw_answer, ANSWER.coding, "the router's raw answer");
    assert.equal(explain.explanation.router.failure, null);

    const call = assertRouterAskedOnce({ routes: ROUTES.map((r) => r.name), shown: CODING_PROMPT });
    assert.ok(!call.conversation.includes('Be brief.'), 'system messages are not shown to the router');

    assert.equal(stack.upstream.requests.length, 1, 'exactly one model request');
    const [req] = stack.upstream.requests;
    assert.equal(req.path, '/v1/messages', 'the Anthropic upstream of the route primary');
    assert.equal(req.headers['x-api-key'], 'ant-key');
    assert.equal(req.body.model, 'claude-sonnet-4-5');
    assert.equal(anthropicUserText(req.body), CODING_PROMPT);
  });

  test('openai SDK streaming, model auto, creative prompt -> creative route primary (Gemini stream, translated)', async () => {
    const fixture = 'gemini/gaijs__streaming-success-basic-reply-long.txt';
    const oracle = oracleFor('gemini', fixture);
    stack.upstream.enqueue(fixture);

    const { data: stream, response } = await openai.chat.completions
      .create({ model: 'auto', stream: true, messages: [{ role: 'user', content: CREATIVE_PROMPT }] })
      .withResponse();
    let text = '';
    let finish = null;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }

    assert.equal(text, oracle.text, 'content deltas add up to the recorded text');
    assert.equal(finish, openaiFinishReason(oracle.ir, false));
    assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
    assert.deepEqual(routing(response), {
      method: 'preference',
      route: CREATIVE.name,
      candidates: CREATIVE.models.join(', '),
      model: CREATIVE.models[0],
      failure: null,
    });

    assertRouterAskedOnce({ routes: ROUTES.map((r) => r.name), shown: CREATIVE_PROMPT });
    assert.equal(stack.upstream.requests.length, 1);
    const [req] = stack.upstream.requests;
    assert.equal(req.path, '/v1beta/models/gemini-2.5-flash:streamGenerateContent');
    assert.equal(req.headers['x-goog-api-key'], 'gem-key');
  });

  test('openai SDK with inline routing_preferences (extra body param): they replace the config routes and are not sent upstream', async () => {
    const fixture = 'deepseek/vercel__deepseek-reasoning.json';
    const oracle = oracleFor('openai', fixture);
    stack.upstream.enqueue(fixture);
    const messages = [{ role: 'user', content: REFACTOR_PROMPT }];
    const inline = [
      { name: 'refactoring', description: 'restructuring existing code', models: [MODELS.deepseek], selection_policy: { prefer: 'none' } },
    ];

    // openai 6.x sends params it does not know as-is in the JSON body (its README's "undocumented request params").
    const { data, response } = await openai.chat.completions
      .create({ model: MODELS.openai, messages, routing_preferences: inline }, { headers: EXPLAIN })
      .withResponse();

    assert.equal(data.choices[0].message.content, oracle.text, "the recorded answer of the inline route's model");
    assert.equal(data.choices[0].finish_reason, oracle.stop);
    assert.deepEqual(routing(response), {
      method: 'preference',
      route: 'refactoring',
      candidates: MODELS.deepseek,
      model: MODELS.deepseek,
      failure: null,
    });
    const explain = explanation(response);
    assert.equal(explain.explanation.preferences, 'request', 'preferences came with the request');
    assert.equal(explain.explanation.router.raw_answer, ANSWER.refactoring);

    assertRouterAskedOnce({ routes: ['refactoring'], shown: REFACTOR_PROMPT });

    assert.equal(stack.upstream.requests.length, 1);
    const [req] = stack.upstream.requests;
    assert.equal(req.path, '/v1/chat/completions');
    assert.equal(req.headers.authorization, 'Bearer ds-key', "the DeepSeek entry's key");
    assert.equal(req.body.model, 'deepseek-reasoner');
    assert.ok(!('routing_preferences' in req.body), 'routing_preferences removed before going upstream');
    assert.deepEqual(req.body.messages, messages);
  });

  test('@anthropic-ai/sdk messages.create, model auto, creative prompt -> creative route primary (Gemini, translated)', async () => {
    const fixture = 'gemini/pydai__test_google_extra_headers.0.json';
    const oracle = oracleFor('gemini', fixture);
    stack.upstream.enqueue(fixture);

    const { data: msg, response } = await anthropic.messages
      .create({ model: 'auto', max_tokens: 256, messages: [{ role: 'user', content: CREATIVE_PROMPT }] })
      .withResponse();

    assert.equal(msg.type, 'message');
    assert.equal(msg.content.filter((b) => b.type === 'text').map((b) => b.text).join(''), oracle.text, 'the recorded text');
    assert.equal(msg.stop_reason, anthropicStopReason(oracle.ir, false));
    assert.deepEqual({ input_tokens: msg.usage.input_tokens, output_tokens: msg.usage.output_tokens }, anthropicUsage(oracle.usage));
    assert.deepEqual(routing(response), {
      method: 'preference',
      route: CREATIVE.name,
      candidates: CREATIVE.models.join(', '),
      model: CREATIVE.models[0],
      failure: null,
    });

    assertRouterAskedOnce({ routes: ROUTES.map((r) => r.name), shown: CREATIVE_PROMPT });
    assert.equal(stack.upstream.requests.length, 1);
    const [req] = stack.upstream.requests;
    assert.equal(req.path, '/v1beta/models/gemini-2.5-flash:generateContent');
    assert.equal(req.headers['x-goog-api-key'], 'gem-key');
  });

  test('decision API POST /routing/v1/messages: route, models, trace_id; no model is called', async () => {
    const res = await fetch(`${stack.gateway.baseUrl}/routing/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'client', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({ model: 'auto', max_tokens: 256, messages: [{ role: 'user', content: CODING_PROMPT }] }),
      signal: AbortSignal.timeout(20_000),
    });
    const decision = await res.json();

    assert.equal(res.status, 200, JSON.stringify(decision));
    assert.deepEqual(decision.models, CODING.models);
    assert.equal(decision.route, CODING.name);
    assert.equal(decision.pinned, false);
    assert.equal(decision.method, 'preference');
    assert.match(decision.trace_id, /^[0-9a-f]{32}$/, 'a W3C trace id');
    assert.notEqual(decision.trace_id, '0'.repeat(32));
    assert.equal(decision.explanation.router.raw_answer, ANSWER.coding);

    assertRouterAskedOnce({ routes: ROUTES.map((r) => r.name), shown: CODING_PROMPT });
    assert.equal(stack.upstream.requests.length, 0, 'no model request reached the upstream');
  });

  test('X-Model-Affinity: a second request on another topic stays on the first model; the router is asked once', async () => {
    const fixture = 'anthropic/vercel__anthropic-text.json';
    const oracle = oracleFor('anthropic', fixture);
    stack.upstream.enqueue(fixture, fixture);
    const session = { 'X-Model-Affinity': `e2e-${randomUUID()}` };

    const first = await openai.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: CODING_PROMPT }] }, { headers: session })
      .withResponse();
    assert.equal(first.data.choices[0].message.content, oracle.text);
    assert.deepEqual(routing(first.response), {
      method: 'preference',
      route: CODING.name,
      candidates: CODING.models.join(', '),
      model: CODING.models[0],
      failure: null,
    });

    const second = await openai.chat.completions
      .create({ model: 'auto', messages: [{ role: 'user', content: CREATIVE_PROMPT }] }, { headers: session })
      .withResponse();
    assert.equal(second.data.choices[0].message.content, oracle.text);
    assert.deepEqual(routing(second.response), {
      method: 'affinity',
      route: CODING.name,
      candidates: CODING.models.join(', '),
      model: CODING.models[0],
      failure: null,
    });

    assertRouterAskedOnce({ routes: ROUTES.map((r) => r.name), shown: CODING_PROMPT });
    assert.deepEqual(
      stack.upstream.requests.map((r) => [r.path, anthropicUserText(r.body)]),
      [
        ['/v1/messages', CODING_PROMPT],
        ['/v1/messages', CREATIVE_PROMPT],
      ],
      'both requests went to the pinned Anthropic model',
    );

    // The decision API sees the pin too.
    const res = await fetch(`${stack.gateway.baseUrl}/routing/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer client', ...session },
      body: JSON.stringify({ model: 'auto', messages: [{ role: 'user', content: CREATIVE_PROMPT }] }),
      signal: AbortSignal.timeout(20_000),
    });
    const decision = await res.json();
    assert.equal(res.status, 200, JSON.stringify(decision));
    assert.equal(decision.pinned, true);
    assert.equal(decision.method, 'affinity');
    assert.equal(decision.models[0], CODING.models[0]);
    assert.equal(router.requests.length, 1, 'still one router call');
    assert.equal(stack.upstream.requests.length, 2, 'the decision called no model');
  });

  test('openai SDK without a model, no route fits -> default model (x-switchyard-routing: no-route)', async () => {
    const fixture = 'openai/envoy__chat-basic.0.json';
    const oracle = oracleFor('openai', fixture);
    stack.upstream.enqueue(fixture);

    const { data, response } = await openai.chat.completions.create({ messages: [{ role: 'user', content: NEUTRAL_PROMPT }] }).withResponse();

    assert.equal(data.choices[0].message.content, oracle.text);
    const r = routing(response);
    assert.equal(r.method, 'no-route');
    assert.equal(r.route, null);
    assert.equal(r.model, MODELS.openai);
    assertRouterAskedOnce({ routes: ROUTES.map((x) => x.name), shown: NEUTRAL_PROMPT });
    assert.equal(stack.upstream.requests.length, 1);
    assert.equal(stack.upstream.requests[0].body.model, 'gpt-4o-mini');
  });

  test('router answers HTTP 500 -> the SDK call still succeeds on the default model (x-switchyard-routing: fail-open)', async () => {
    router.answer = () => ({ status: 500, body: { error: 'model runner crashed' } });
    const fixture = 'openai/envoy__chat-basic.0.json';
    const oracle = oracleFor('openai', fixture);
    stack.upstream.enqueue(fixture);
    const messages = [{ role: 'user', content: CODING_PROMPT }];

    const { data, response } = await openai.chat.completions.create({ model: 'auto', messages }, { headers: EXPLAIN }).withResponse();

    assert.equal(data.choices[0].message.content, oracle.text, "the default model's recorded answer");
    assert.equal(data.choices[0].finish_reason, oracle.stop);
    const r = routing(response);
    assert.equal(r.method, 'fail-open');
    assert.equal(r.failure, 'error');
    assert.equal(r.route, null);
    assert.equal(r.model, MODELS.openai, 'the default model');
    const explain = explanation(response);
    assert.equal(explain.explanation.router.failure, 'error');
    assert.match(explain.explanation.router.failure_message, /HTTP 500/);

    assert.equal(router.requests.length, 1, 'the router was asked once (no retries)');
    assert.equal(stack.upstream.requests.length, 1);
    const [req] = stack.upstream.requests;
    assert.equal(req.path, '/v1/chat/completions');
    assert.equal(req.headers.authorization, 'Bearer test-key');
    assert.equal(req.body.model, 'gpt-4o-mini');
    assert.deepEqual(req.body.messages, messages);
  });
});
