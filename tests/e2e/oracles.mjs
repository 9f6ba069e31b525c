// Fixture oracles: what a recording says the model answered (text, thinking, tool calls, stop reason, usage), read
// from the recording itself, per provider protocol, plus the gateway's documented mapping tables (stop/finish
// reasons, usage) so tests derive every expected value from the fixture rather than hard-coding it.

import fs from 'node:fs';
import { fixturePath } from './harness.mjs';

// ---------------------------------------------------------------------------------------------------------------
// Readers

/** The raw bytes of a fixture. */
export function readBytes(name) {
  return fs.readFileSync(fixturePath(name));
}

/** Parsed JSON of a fixture (`folder/name` relative to fixtures/raw). */
export function readJson(name) {
  return JSON.parse(fs.readFileSync(fixturePath(name), 'utf8'));
}

/** SSE events of a fixture (CRLF or LF): [{ event, data }], data lines joined with "\n". */
export function readSseEvents(name) {
  const text = fs.readFileSync(fixturePath(name), 'utf8').replace(/\r\n?/g, '\n');
  const events = [];
  for (const block of text.split(/\n\n+/)) {
    let event;
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('data:')) {
        data.push(line.slice(5).replace(/^ /, ''));
      } else if (line.startsWith('event:')) {
        event = line.slice(6).trim();
      }
    }
    if (data.length > 0) {
      events.push({ event, data: data.join('\n') });
    }
  }
  return events;
}

/** The JSON payloads of a streamed fixture: SSE `data:` values (minus `[DONE]`) or vercel `.chunks.txt` lines. */
export function readStreamPayloads(name) {
  if (name.endsWith('.chunks.txt')) {
    return fs
      .readFileSync(fixturePath(name), 'utf8')
      .split(/\r?\n/)
      .filter((l) => l.trim().length > 0)
      .map((l) => JSON.parse(l));
  }
  return readSseEvents(name)
    .filter((e) => e.data !== '[DONE]')
    .map((e) => JSON.parse(e.data));
}

// ---------------------------------------------------------------------------------------------------------------
// AWS event-stream (Bedrock ConverseStream)

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) {
    c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  }
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Decodes an `application/vnd.amazon.eventstream` body: each frame is a 12-byte prelude (total length, headers
 * length, prelude CRC32), headers (name length u8, name, type u8, value), the payload and a message CRC32. Both CRCs
 * are checked. Returns [{ headers: {':event-type', ':message-type', ...}, payload }] with JSON payloads parsed.
 */
export function parseEventStream(buf) {
  const frames = [];
  let o = 0;
  while (o < buf.length) {
    if (buf.length - o < 16) {
      throw new Error(`event-stream: truncated prelude at ${o}`);
    }
    const total = buf.readUInt32BE(o);
    const headersLen = buf.readUInt32BE(o + 4);
    if (crc32(buf.subarray(o, o + 8)) !== buf.readUInt32BE(o + 8)) {
      throw new Error(`event-stream: prelude CRC mismatch at ${o}`);
    }
    if (crc32(buf.subarray(o, o + total - 4)) !== buf.readUInt32BE(o + total - 4)) {
      throw new Error(`event-stream: message CRC mismatch at ${o}`);
    }
    const headers = {};
    let h = o + 12;
    const hEnd = h + headersLen;
    while (h < hEnd) {
      const nameLen = buf[h];
      const name = buf.toString('utf8', h + 1, h + 1 + nameLen);
      h += 1 + nameLen;
      const type = buf[h++];
      if (type === 7 || type === 6) {
        const len = buf.readUInt16BE(h);
        headers[name] = type === 7 ? buf.toString('utf8', h + 2, h + 2 + len) : buf.subarray(h + 2, h + 2 + len);
        h += 2 + len;
      } else if (type === 0 || type === 1) {
        headers[name] = type === 0;
      } else if (type === 2) {
        headers[name] = buf.readInt8(h);
        h += 1;
      } else if (type === 3) {
        headers[name] = buf.readInt16BE(h);
        h += 2;
      } else if (type === 4) {
        headers[name] = buf.readInt32BE(h);
        h += 4;
      } else if (type === 5 || type === 8) {
        headers[name] = buf.readBigInt64BE(h);
        h += 8;
      } else if (type === 9) {
        headers[name] = buf.subarray(h, h + 16);
        h += 16;
      } else {
        throw new Error(`event-stream: unknown header type ${type}`);
      }
    }
    const payloadBytes = buf.subarray(hEnd, o + total - 4);
    let payload = payloadBytes.toString('utf8');
    if (String(headers[':content-type'] ?? '').includes('json') || payload.startsWith('{')) {
      payload = JSON.parse(payload);
    }
    frames.push({ headers, payload });
    o += total;
  }
  return frames;
}

// ---------------------------------------------------------------------------------------------------------------
// What each recording answered. Every oracle returns
//   { text, thinking: [{ text, signature }], redacted: [data], toolCalls: [{ id, name, arguments (string|undefined), input (object) }],
//     stop (the provider's own reason), ir (the gateway IR finish reason), usage: { input, output, cacheRead, cacheWrite, reasoning } }
// `usage.input` is all-inclusive (cached and cache-written tokens counted), like the gateway IR.

function parseArgs(s) {
  return s === undefined || s === '' ? {} : JSON.parse(s);
}

/** OpenAI chat (also DeepSeek reasoning_content): a `.json` completion or a stream's chunks. */
export function openaiChatOracle(name) {
  let text = '';
  let reasoning = '';
  const calls = new Map();
  let stop = null;
  let usage = null;
  const chunks = name.endsWith('.json') ? null : readStreamPayloads(name);
  if (chunks === null) {
    const body = readJson(name);
    const msg = body.choices[0].message;
    text = msg.content ?? '';
    reasoning = msg.reasoning_content ?? '';
    for (const [i, tc] of (msg.tool_calls ?? []).entries()) {
      calls.set(i, { id: tc.id, name: tc.function.name, arguments: tc.function.arguments });
    }
    stop = body.choices[0].finish_reason;
    usage = body.usage;
  } else {
    for (const c of chunks) {
      const d = c.choices?.[0]?.delta;
      if (typeof d?.content === 'string') {
        text += d.content;
      }
      if (typeof d?.reasoning_content === 'string') {
        reasoning += d.reasoning_content;
      }
      for (const tc of d?.tool_calls ?? []) {
        const acc = calls.get(tc.index) ?? { id: undefined, name: undefined, arguments: '' };
        acc.id ??= tc.id;
        acc.name ??= tc.function?.name;
        acc.arguments += tc.function?.arguments ?? '';
        calls.set(tc.index, acc);
      }
      stop = c.choices?.[0]?.finish_reason ?? stop;
      usage = c.usage ?? usage;
    }
  }
  const toolCalls = [...calls.entries()].sort((a, b) => a[0] - b[0]).map(([, c]) => ({ ...c, input: parseArgs(c.arguments) }));
  const irByReason = { stop: 'stop', length: 'length', tool_calls: 'tool_calls', function_call: 'tool_calls', content_filter: 'content_filter' };
  return {
    text,
    thinking: reasoning ? [{ text: reasoning, signature: undefined }] : [],
    redacted: [],
    toolCalls,
    stop,
    ir: irByReason[stop] ?? stop,
    usage: usage && {
      input: usage.prompt_tokens,
      output: usage.completion_tokens,
      cacheRead: usage.prompt_tokens_details?.cached_tokens,
      cacheWrite: undefined,
      reasoning: usage.completion_tokens_details?.reasoning_tokens,
    },
  };
}

/** Anthropic Messages: a `.json` Message or a stream's events. */
export function anthropicOracle(name) {
  let message;
  if (name.endsWith('.json')) {
    message = readJson(name);
  } else {
    const events = readStreamPayloads(name);
    const blocks = [];
    const partial = [];
    for (const e of events) {
      switch (e.type) {
        case 'message_start':
          message = { ...e.message, content: [] };
          break;
        case 'content_block_start':
          blocks[e.index] = structuredClone(e.content_block);
          partial[e.index] = '';
          break;
        case 'content_block_delta': {
          const b = blocks[e.index];
          const d = e.delta;
          if (d.type === 'text_delta') {
            b.text += d.text;
          } else if (d.type === 'thinking_delta') {
            b.thinking += d.thinking;
          } else if (d.type === 'signature_delta') {
            b.signature = (b.signature ?? '') + d.signature;
          } else if (d.type === 'input_json_delta') {
            partial[e.index] += d.partial_json;
          }
          break;
        }
        case 'content_block_stop':
          if (blocks[e.index].type === 'tool_use' && partial[e.index] !== '') {
            blocks[e.index].input = JSON.parse(partial[e.index]);
          }
          break;
        case 'message_delta':
          Object.assign(message, e.delta);
          message.usage = { ...message.usage, ...e.usage };
          break;
        default:
          break;
      }
    }
    message.content = blocks.filter(Boolean);
  }
  const c = message.content;
  const u = message.usage ?? {};
  const irByReason = { end_turn: 'stop', stop_sequence: 'stop_sequence', max_tokens: 'length', tool_use: 'tool_calls', refusal: 'content_filter' };
  return {
    message,
    text: c.filter((b) => b.type === 'text').map((b) => b.text).join(''),
    thinking: c.filter((b) => b.type === 'thinking').map((b) => ({ text: b.thinking, signature: b.signature })),
    redacted: c.filter((b) => b.type === 'redacted_thinking').map((b) => b.data),
    toolCalls: c.filter((b) => b.type === 'tool_use').map((b) => ({ id: b.id, name: b.name, arguments: JSON.stringify(b.input), input: b.input })),
    stop: message.stop_reason,
    ir: irByReason[message.stop_reason] ?? message.stop_reason,
    usage: {
      input: (u.input_tokens ?? 0) + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0),
      output: u.output_tokens,
      cacheRead: u.cache_read_input_tokens,
      cacheWrite: u.cache_creation_input_tokens,
      reasoning: undefined,
    },
  };
}

/** Gemini native: a `generateContent` `.json` or a `streamGenerateContent?alt=sse` recording. */
export function geminiOracle(name) {
  const chunks = name.endsWith('.json') ? [readJson(name)] : readStreamPayloads(name);
  let text = '';
  const thinking = [];
  const toolCalls = [];
  const signatures = [];
  let finish = null;
  let um = null;
  for (const ch of chunks) {
    const cand = ch.candidates?.[0];
    for (const p of cand?.content?.parts ?? []) {
      if (p.thoughtSignature) {
        signatures.push(p.thoughtSignature);
      }
      if (p.functionCall) {
        toolCalls.push({ id: p.functionCall.id, name: p.functionCall.name, arguments: JSON.stringify(p.functionCall.args ?? {}), input: p.functionCall.args ?? {} });
      } else if (p.thought === true && typeof p.text === 'string') {
        thinking.push({ text: p.text, signature: p.thoughtSignature });
      } else if (typeof p.text === 'string') {
        text += p.text;
      }
    }
    finish = cand?.finishReason ?? finish;
    um = ch.usageMetadata ?? um;
  }
  const safety = ['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII'];
  const ir = finish === 'STOP' ? (toolCalls.length > 0 ? 'tool_calls' : 'stop') : finish === 'MAX_TOKENS' ? 'length' : safety.includes(finish) ? 'content_filter' : finish;
  return {
    text,
    thinking,
    thinkingText: thinking.map((t) => t.text).join(''),
    signatures,
    redacted: [],
    toolCalls,
    stop: finish,
    ir,
    usage: um && {
      input: (um.promptTokenCount ?? 0) + (um.toolUsePromptTokenCount ?? 0),
      output: (um.candidatesTokenCount ?? 0) + (um.thoughtsTokenCount ?? 0),
      cacheRead: um.cachedContentTokenCount,
      cacheWrite: undefined,
      reasoning: um.thoughtsTokenCount,
    },
  };
}

/** Bedrock Converse: a `.json` Converse answer or a ConverseStream `.bin` (decoded with parseEventStream). */
export function bedrockOracle(name) {
  let content;
  let stop;
  let u;
  if (name.endsWith('.json')) {
    const body = readJson(name);
    content = body.output.message.content;
    stop = body.stopReason;
    u = body.usage;
  } else {
    const blocks = [];
    const partial = [];
    for (const { headers, payload } of parseEventStream(readBytes(name))) {
      const type = headers[':event-type'];
      const i = payload.contentBlockIndex;
      if (type === 'contentBlockStart' && payload.start?.toolUse) {
        blocks[i] = { toolUse: { ...payload.start.toolUse, input: undefined } };
        partial[i] = '';
      } else if (type === 'contentBlockDelta') {
        const d = payload.delta;
        if (d.text !== undefined) {
          blocks[i] ??= { text: '' };
          blocks[i].text += d.text;
        } else if (d.reasoningContent) {
          blocks[i] ??= { reasoningContent: { reasoningText: { text: '' } } };
          const r = d.reasoningContent;
          if (r.text !== undefined) {
            blocks[i].reasoningContent.reasoningText.text += r.text;
          }
          if (r.signature !== undefined) {
            blocks[i].reasoningContent.reasoningText.signature = r.signature;
          }
          if (r.redactedContent !== undefined) {
            blocks[i].reasoningContent = { redactedContent: r.redactedContent };
          }
        } else if (d.toolUse) {
          partial[i] += d.toolUse.input ?? '';
        }
      } else if (type === 'contentBlockStop' && blocks[i]?.toolUse) {
        blocks[i].toolUse.input = parseArgs(partial[i]);
      } else if (type === 'messageStop') {
        stop = payload.stopReason;
      } else if (type === 'metadata') {
        u = payload.usage;
      }
    }
    content = blocks.filter(Boolean);
  }
  const irByReason = { end_turn: 'stop', tool_use: 'tool_calls', max_tokens: 'length', stop_sequence: 'stop_sequence', guardrail_intervened: 'content_filter', content_filtered: 'content_filter' };
  return {
    text: content.filter((b) => b.text !== undefined).map((b) => b.text).join(''),
    thinking: content.filter((b) => b.reasoningContent?.reasoningText).map((b) => ({ text: b.reasoningContent.reasoningText.text, signature: b.reasoningContent.reasoningText.signature })),
    redacted: content.filter((b) => b.reasoningContent?.redactedContent !== undefined).map((b) => b.reasoningContent.redactedContent),
    toolCalls: content.filter((b) => b.toolUse).map((b) => ({ id: b.toolUse.toolUseId, name: b.toolUse.name, arguments: JSON.stringify(b.toolUse.input), input: b.toolUse.input })),
    stop,
    ir: irByReason[stop] ?? stop,
    usage: u && {
      input: (u.inputTokens ?? 0) + (u.cacheReadInputTokens ?? 0) + (u.cacheWriteInputTokens ?? 0),
      output: u.outputTokens,
      cacheRead: u.cacheReadInputTokens,
      cacheWrite: u.cacheWriteInputTokens,
      reasoning: undefined,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Client-side mapping tables (the gateway's documented finish-reason and usage rules)

/** IR finish reason -> Anthropic stop_reason (unknown -> tool_use when tools were called, else end_turn). */
export function anthropicStopReason(ir, calledTools) {
  switch (ir) {
    case 'stop_sequence':
      return 'stop_sequence';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return calledTools ? 'tool_use' : 'end_turn';
  }
}

/** IR finish reason -> OpenAI chat finish_reason (a natural stop with tool calls is tool_calls). */
export function openaiFinishReason(ir, hasToolCalls) {
  switch (ir) {
    case 'length':
    case 'content_filter':
    case 'tool_calls':
      return ir;
    default:
      return hasToolCalls ? 'tool_calls' : 'stop';
  }
}

/** Oracle usage -> the Anthropic usage an Anthropic client must see (input_tokens excludes cache reads/writes). */
export function anthropicUsage(u) {
  return {
    input_tokens: u.input - (u.cacheRead ?? 0) - (u.cacheWrite ?? 0),
    output_tokens: u.output,
  };
}

/** The oracle for a fixture served on a route kind. */
export function oracleFor(kind, name) {
  return { openai: openaiChatOracle, anthropic: anthropicOracle, gemini: geminiOracle, bedrock: bedrockOracle }[kind](name);
}

/**
 * Encodes one AWS event-stream frame with string headers (type 7) and a JSON payload, CRCs included — used to build
 * a documented Bedrock exception frame (`:message-type: exception`) to append to a recording.
 */
export function encodeEventStreamFrame(headers, payload) {
  const hs = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    const h = Buffer.alloc(1 + n.length + 1 + 2 + v.length);
    h[0] = n.length;
    n.copy(h, 1);
    h[1 + n.length] = 7;
    h.writeUInt16BE(v.length, 2 + n.length);
    v.copy(h, 4 + n.length);
    hs.push(h);
  }
  const headerBytes = Buffer.concat(hs);
  const body = Buffer.from(JSON.stringify(payload), 'utf8');
  const total = 12 + headerBytes.length + body.length + 4;
  const frame = Buffer.alloc(total);
  frame.writeUInt32BE(total, 0);
  frame.writeUInt32BE(headerBytes.length, 4);
  frame.writeUInt32BE(crc32(frame.subarray(0, 8)), 8);
  headerBytes.copy(frame, 12);
  body.copy(frame, 12 + headerBytes.length);
  frame.writeUInt32BE(crc32(frame.subarray(0, total - 4)), total - 4);
  return frame;
}

/** The byte offset just past the first `n` frames of an event-stream body. */
export function eventStreamPrefixLength(buf, n) {
  let o = 0;
  for (let i = 0; i < n && o < buf.length; i++) {
    o += buf.readUInt32BE(o);
  }
  return o;
}
