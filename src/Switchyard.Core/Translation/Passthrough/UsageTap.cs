using System.Buffers;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Core.Providers;
using Switchyard.Protocols.Json;

namespace Switchyard.Core.Translation.Passthrough;

/// <summary>
/// Reads the token usage of one upstream answer from the bytes as they are relayed, for every upstream protocol,
/// streamed or not, without re-serialising or holding back anything the client should get.
/// </summary>
/// <remarks>
/// <para>Feed it exactly one kind of input per answer:</para>
/// <list type="bullet">
/// <item><see cref="OnEvent"/> with each complete SSE event (as <c>SseEventScanner</c> delimits them: <c>event:</c>,
/// one or more <c>data:</c> lines, comments, any line ends) — OpenAI chat usage chunks (also Groq's
/// <c>x_groq.usage</c>), Anthropic <c>message_start</c>/<c>message_delta</c>, Responses
/// <c>response.completed</c>/<c>.incomplete</c>/<c>.failed</c> (any event's <c>response.usage</c>), Gemini
/// <c>usageMetadata</c>;</item>
/// <item><see cref="OnEventStreamMessage"/> with each AWS event-stream message of a Bedrock ConverseStream
/// (<c>metadata</c>);</item>
/// <item><see cref="OnFrame"/> with each <see cref="UpstreamFrame"/>, when the caller already framed the stream
/// (the translating relay);</item>
/// <item><see cref="OnBodyChunk"/> with each chunk of a non-streamed JSON body as it is relayed, in any sizes and
/// split anywhere, then <see cref="OnBodyEnd"/>. Only the top-level <c>usage</c> (<c>usageMetadata</c> for Gemini,
/// also in each element of a Gemini array body) is read; the body is never held whole: the tap keeps at most the
/// unfinished token at a chunk's end, drops the content of long strings (base64 images, long texts) without
/// buffering them, and gives up quietly past <see cref="MaxCarryBytes"/> or on malformed JSON.</item>
/// </list>
/// <para>Cost: an event or message without a usage object costs one vectorised byte search for <c>"usage"</c>
/// (a <c>"usage":null</c> member is recognised without parsing); only events carrying usage are parsed, with a
/// <see cref="Utf8JsonReader"/>, and nothing is allocated for them except the model name, once.</para>
/// <para>Semantics match the translating decoders for the same bytes (see <see cref="UsageObjectReader"/>): reports
/// merge member by member, later ones winning; Anthropic's running totals are kept raw and mapped at the end (its
/// input_tokens excludes cache reads and writes; the IR's includes them); only the first Anthropic
/// <c>message_start</c> counts. Not thread-safe: one tap per answer, fed by one relay.</para>
/// </remarks>
/// <param name="protocol">The upstream protocol whose wire format is read.</param>
/// <param name="captureModel">Also keep the answer's <c>model</c> (a string per answer; relays that do not need it pass false).</param>
public sealed partial class UsageTap(UpstreamProtocol protocol, bool captureModel = true) : IDisposable
{
    /// <summary>The longest unfinished token (or usage object) a body tap keeps across chunks before it gives up.</summary>
    public const int MaxCarryBytes = 64 * 1024;

    private readonly UpstreamProtocol _protocol = protocol;
    private UsageReport _merged;
    private AnthropicUsageFields _anthropic;
    private bool _sawMessageStart;
    private bool _changed;
    private IrUsage? _usage;
    private byte[]? _scratch;
    private JsonBodyUsageScanner? _body;

    /// <summary>The protocol whose wire format this tap reads.</summary>
    public UpstreamProtocol Protocol => _protocol;

    /// <summary>
    /// The usage read so far in IR terms, or null when the answer reported none (no usage object, or
    /// <c>"usage": null</c>). Members the upstream did not report stay null. A new instance after each change.
    /// </summary>
    public IrUsage? Usage
    {
        get
        {
            if (_changed)
            {
                _changed = false;
                var report = _protocol == UpstreamProtocol.AnthropicMessages ? _anthropic.ToReport() : _merged;
                _usage = report.Any
                    ? new IrUsage
                    {
                        InputTokens = report.Input,
                        OutputTokens = report.Output,
                        CachedInputTokens = report.Cached,
                        CacheWriteInputTokens = report.CacheWrite,
                        ReasoningTokens = report.Reasoning,
                    }
                    : null;
            }

            return _usage;
        }
    }

    /// <summary>
    /// The model the upstream named in an event or body the tap parsed (<c>model</c>; Gemini <c>modelVersion</c>), or
    /// null. Best effort: streams name it in the events that carry usage; Bedrock never does.
    /// </summary>
    public string? Model { get; private set; }

    /// <summary>
    /// OpenAI chat: the last event given to <see cref="OnEvent"/> or <see cref="OnFrame"/> was a usage-only chunk
    /// (a top-level <c>usage</c> object and <c>"choices": []</c>, the chunk <c>stream_options.include_usage</c> adds).
    /// A relay that asked for usage on its own behalf hides that event from the client.
    /// </summary>
    public bool LastEventWasUsageOnlyChunk { get; private set; }

    /// <summary>Stream events read so far (<see cref="OnEvent"/>, <see cref="OnFrame"/>): the metrics' chunk count.</summary>
    public int Events { get; private set; }

    /// <summary>True once a non-streamed body proved unreadable (malformed JSON, a token over <see cref="MaxCarryBytes"/>); usage read before that is kept.</summary>
    public bool GaveUp => _body?.Stopped ?? false;

    /// <summary>
    /// Reads one complete SSE event (raw bytes including its <c>event:</c>/<c>data:</c> lines and terminating blank
    /// line; <c>\n</c>, <c>\r\n</c> or <c>\r</c> line ends). Events without usage cost a byte search. For
    /// <see cref="UpstreamProtocol.BedrockConverse"/> use <see cref="OnEventStreamMessage"/> instead.
    /// </summary>
    public void OnEvent(ReadOnlySpan<byte> sseEvent)
    {
        Events++;
        LastEventWasUsageOnlyChunk = false;
        if (!MayCarryUsage(sseEvent))
        {
            return;
        }

        ReadOnlySpan<byte> name = default;
        var first = default(Range);
        var dataLines = 0;
        var joined = 0;
        var pos = 0;
        while (pos < sseEvent.Length)
        {
            var rest = sseEvent[pos..];
            var end = rest.IndexOfAny((byte)'\r', (byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            var advance = end < 0 ? rest.Length : end + (rest[end] == (byte)'\r' && end + 1 < rest.Length && rest[end + 1] == (byte)'\n' ? 2 : 1);
            if (line.StartsWith("data"u8) && (line.Length == 4 || line[4] == (byte)':'))
            {
                var start = Math.Min(line.Length, 5);
                if (start < line.Length && line[start] == (byte)' ')
                {
                    start++;
                }

                var value = line[start..];
                dataLines++;
                if (dataLines == 1)
                {
                    first = new Range(pos + start, pos + line.Length);
                }
                else
                {
                    // Several data: lines are one payload joined with \n (rare: copied once into a pooled buffer).
                    if (dataLines == 2)
                    {
                        joined = 0;
                        Append(sseEvent[first]);
                    }

                    Append("\n"u8);
                    Append(value);
                }
            }
            else if (line.StartsWith("event:"u8))
            {
                name = line[6..];
                if (!name.IsEmpty && name[0] == (byte)' ')
                {
                    name = name[1..];
                }
            }

            pos += advance;
        }

        if (dataLines == 0)
        {
            return;
        }

        OnJson(Classify(name), dataLines == 1 ? sseEvent[first] : _scratch.AsSpan(0, joined));

        void Append(ReadOnlySpan<byte> bytes)
        {
            if (_scratch is null || joined + bytes.Length > _scratch.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(1024, (joined + bytes.Length) * 2));
                _scratch?.AsSpan(0, joined).CopyTo(larger);
                if (_scratch is not null)
                {
                    ArrayPool<byte>.Shared.Return(_scratch);
                }

                _scratch = larger;
            }

            bytes.CopyTo(_scratch.AsSpan(joined));
            joined += bytes.Length;
        }
    }

    /// <summary>
    /// Reads one AWS event-stream message of a Bedrock ConverseStream: its <c>:event-type</c> (null when the payload
    /// is wrapped as <c>{"metadata": {...}}</c>, as decoded captures have it) and payload. Pass event messages only,
    /// not exceptions.
    /// </summary>
    public void OnEventStreamMessage(string? eventType, ReadOnlySpan<byte> payload)
    {
        if (eventType is not (null or "metadata") || !MayCarryUsage(payload))
        {
            return;
        }

        try
        {
            var reader = new Utf8JsonReader(payload);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return;
            }

            if (eventType is null)
            {
                // {"<event>": {...}}: the first member names the event.
                if (!reader.Read() || reader.TokenType != JsonTokenType.PropertyName || !reader.ValueTextEquals("metadata"u8)
                    || !reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return;
                }
            }

            var found = default(UsageReport);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usage"u8) && reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                {
                    found = UsageObjectReader.ReadBedrock(ref reader);
                }
                else
                {
                    SkipCurrentOrNextValue(ref reader);
                }
            }

            Merge(found);
        }
        catch (JsonException)
        {
            // An unreadable event carries no usage we could trust; the relay forwards it regardless.
        }
    }

    /// <summary>
    /// Reads one already framed stream event: an SSE event's name and joined data, or an event-stream message's
    /// event type and payload (exceptions are ignored).
    /// </summary>
    public void OnFrame(in UpstreamFrame frame)
    {
        Events++;
        LastEventWasUsageOnlyChunk = false;
        if (frame.IsException)
        {
            return;
        }

        if (_protocol == UpstreamProtocol.BedrockConverse)
        {
            OnEventStreamMessage(frame.EventType, frame.Data.Span);
            return;
        }

        var data = frame.Data.Span;
        if (MayCarryUsage(data))
        {
            OnJson(Classify(frame.EventType), data);
        }
    }

    /// <summary>Returns pooled buffers.</summary>
    public void Dispose()
    {
        _body?.Finish();
        if (_scratch is not null)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = null;
        }
    }

    /// <summary>The body scanner's carry buffer size right now (tests check it stays small).</summary>
    internal int BodyCarryCapacity => _body?.CarryCapacity ?? 0;

    internal bool HasModelMember => captureModel && _protocol != UpstreamProtocol.BedrockConverse;

    internal ReadOnlySpan<byte> ModelMember => _protocol == UpstreamProtocol.Gemini ? "modelVersion"u8 : "model"u8;

    internal ReadOnlySpan<byte> UsageMember => _protocol == UpstreamProtocol.Gemini ? "usageMetadata"u8 : "usage"u8;

    /// <summary>Keeps the first non-empty model name; the reader stands on its value.</summary>
    internal void OfferModel(ref Utf8JsonReader reader)
    {
        if (captureModel && Model is null && reader.TokenType == JsonTokenType.String && reader.ValueSpan.Length > 0)
        {
            Model = reader.GetString();
        }
    }

    private void Merge(in UsageReport later)
    {
        if (later.Any)
        {
            MergeInto(ref _merged, later);
            _changed = true;
        }
    }

    // IrUsage.Merge's rule: members present in the later report win.
    private static void MergeInto(ref UsageReport into, in UsageReport later)
    {
        into.Input = later.Input ?? into.Input;
        into.Output = later.Output ?? into.Output;
        into.Cached = later.Cached ?? into.Cached;
        into.CacheWrite = later.CacheWrite ?? into.CacheWrite;
        into.Reasoning = later.Reasoning ?? into.Reasoning;
    }

    private void MergeAnthropic(in AnthropicUsageFields later)
    {
        _anthropic.Input = later.Input ?? _anthropic.Input;
        _anthropic.Output = later.Output ?? _anthropic.Output;
        _anthropic.CacheRead = later.CacheRead ?? _anthropic.CacheRead;
        _anthropic.CacheCreation = later.CacheCreation ?? _anthropic.CacheCreation;
        _changed = true;
    }

    // The hot-path filter: a "usage" (or "usageMetadata") member whose value is not null. Anything else — most events
    // of every protocol, and OpenAI's "usage":null on every chunk — is dismissed without parsing. The needle leaves out
    // the opening quote: a needle that starts and ends with '"' makes the vectorised search stop at every quote of the
    // JSON (measured ~25% slower); the quote is checked after a hit instead.
    private bool MayCarryUsage(ReadOnlySpan<byte> bytes)
    {
        var name = _protocol == UpstreamProtocol.Gemini ? "usageMetadata\""u8 : "usage\""u8;
        var from = 0;
        while (true)
        {
            var hit = bytes[from..].IndexOf(name);
            if (hit < 0)
            {
                return false;
            }

            var at = from + hit;
            from = at + name.Length;
            if (at == 0 || bytes[at - 1] != (byte)'"')
            {
                continue;
            }

            var rest = SkipWhitespace(bytes[from..]);
            if (!rest.IsEmpty && rest[0] == (byte)':' && !SkipWhitespace(rest[1..]).StartsWith("null"u8))
            {
                return true;
            }
        }
    }

    // A plain loop: MemoryExtensions.TrimStart with a set of four bytes measured ~100 ns a call, more than the search.
    private static ReadOnlySpan<byte> SkipWhitespace(ReadOnlySpan<byte> bytes) => bytes[JsonGrammar.SkipWhitespace(bytes, 0)..];

    private static void SkipCurrentOrNextValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.PropertyName)
        {
            reader.Read();
        }

        reader.Skip();
    }
}
