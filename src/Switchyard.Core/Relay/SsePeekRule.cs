using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchyard.Core.Ir;
using Switchyard.Protocols.Sse;

namespace Switchyard.Core.Relay;

/// <summary>What one SSE event means for the commit point.</summary>
public enum SseEventClass
{
    /// <summary>A comment, keep-alive (<c>: keep-alive</c>, OpenRouter's <c>: OPENROUTER PROCESSING</c>) or ping: never commits.</summary>
    KeepAlive,
    /// <summary>Carries data: the commit point.</summary>
    Data,
    /// <summary>An error event (<c>event: error</c>, an OpenAI-compatible <c>data: {"error":…}</c>, <c>response.failed</c>).</summary>
    Error,
}

/// <summary>
/// The PEEK RULE for pass-through streams (DESIGN.md §1.1): commit at the first event that carries data; comments,
/// keep-alives and pings never commit and never count as time to first token; an error event before commit is read
/// into an <see cref="IrError"/> whose status is the HTTP status it stands for, so the failure table treats
/// "overloaded" in a 200 stream like a 529 and "rate limited" like a 429. Runs only before commit (a few events).
/// </summary>
public static class SsePeekRule
{
    public static SseEventClass Classify(ReadOnlySpan<byte> ev, out IrError? error)
    {
        error = null;

        // The common case without allocating: look at the field lines only.
        ReadOnlySpan<byte> name = default;
        bool hasData = false, mayBeError = false;
        var rest = ev;
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOfAny((byte)'\r', (byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? default : rest[(end + 1)..];
            if (line.StartsWith("data"u8) && (line.Length == 4 || line[4] == (byte)':'))
            {
                var value = line[Math.Min(line.Length, 5)..];
                hasData |= !value.Trim(" \t"u8).IsEmpty;
                mayBeError |= value.IndexOf("\"error\""u8) >= 0 || value.IndexOf("\"response.failed\""u8) >= 0;
            }
            else if (line.StartsWith("event:"u8))
            {
                name = line[6..].Trim((byte)' ');
            }
        }

        if (!hasData || name.SequenceEqual("ping"u8))
        {
            return SseEventClass.KeepAlive;
        }

        if (!mayBeError && !name.SequenceEqual("error"u8))
        {
            return SseEventClass.Data;
        }

        return ClassifyPossibleError(ev, out error);
    }

    private static SseEventClass ClassifyPossibleError(ReadOnlySpan<byte> ev, out IrError? error)
    {
        error = null;
        if (!SseFrame.TryParse(ev, out var name, out var data) || IsBlank(data.Span))
        {
            return SseEventClass.KeepAlive;
        }

        if (name == "error")
        {
            error = Read(data.Span);
            return SseEventClass.Error;
        }

        var span = data.Span;
        if (span.IndexOf("\"error\""u8) < 0 && span.IndexOf("\"response.failed\""u8) < 0)
        {
            return SseEventClass.Data; // the common case: no JSON parsing at all
        }

        try
        {
            using var doc = JsonDocument.Parse(data);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object
                && (root.TryGetProperty("error", out var e) && e.ValueKind is JsonValueKind.Object or JsonValueKind.String
                    || Str(root, "type") is "error" or "response.failed"))
            {
                error = Read(span);
                return SseEventClass.Error;
            }
        }
        catch (JsonException)
        {
            // Not JSON: data all the same (the client's parser will judge it).
        }

        return SseEventClass.Data;
    }

    /// <summary>Reads an error payload of any of the shapes upstreams stream.</summary>
    public static IrError Read(ReadOnlySpan<byte> data)
    {
        try
        {
            var reader = new Utf8JsonReader(data);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                var obj = root;
                if (root.TryGetProperty("error", out var inner) && inner.ValueKind == JsonValueKind.Object)
                {
                    obj = inner;
                }
                else if (root.TryGetProperty("response", out var response) && response.ValueKind == JsonValueKind.Object
                         && response.TryGetProperty("error", out var failed) && failed.ValueKind == JsonValueKind.Object)
                {
                    obj = failed;
                }
                else if (inner.ValueKind == JsonValueKind.String)
                {
                    return new IrError(500, "api_error", inner.GetString()!);
                }

                var type = Str(obj, "type") is { } t && t != "error" ? t : null;
                var code = obj.TryGetProperty("code", out var c) ? c.ValueKind switch
                {
                    JsonValueKind.String => c.GetString(),
                    JsonValueKind.Number => c.GetRawText(),
                    _ => null,
                } : null;
                int? embedded = Int(obj, "status_code") ?? Int(obj, "status");
                var message = Str(obj, "message") ?? obj.GetRawText();
                var status = ErrorEventStatus.Of(type, code, embedded);
                return new IrError(status, type ?? "api_error", message) { Code = code };
            }
        }
        catch (JsonException)
        {
        }

        return new IrError(500, "api_error", Encoding.UTF8.GetString(data.Length > 2048 ? data[..2048] : data));
    }

    private static string? Str(JsonElement obj, string name)
        => obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement obj, string name)
        => obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    private static bool IsBlank(ReadOnlySpan<byte> data) => data.Trim(" \t\r\n"u8).IsEmpty;
}

/// <summary>The HTTP status an in-stream error stands for, from its type or code (Anthropic, OpenAI, Gemini, OpenRouter shapes).</summary>
public static class ErrorEventStatus
{
    /// <summary>
    /// A numeric code or embedded status in 400–599 wins (OpenRouter <c>"code": 502</c>, Groq <c>status_code</c>); then
    /// the type or code words; 500 when nothing says otherwise (an error before any content is most likely the server's).
    /// </summary>
    public static int Of(string? type, string? code, int? embeddedStatus)
    {
        if (embeddedStatus is >= 400 and <= 599)
        {
            return embeddedStatus.Value;
        }

        if (int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out var numeric) && numeric is >= 400 and <= 599)
        {
            return numeric;
        }

        return FromWords(type) ?? FromWords(code) ?? 500;
    }

    private static int? FromWords(string? word)
    {
        if (string.IsNullOrEmpty(word))
        {
            return null;
        }

        var w = word.ToLowerInvariant();
        if (w.Contains("overloaded", StringComparison.Ordinal))
        {
            return 529;
        }

        if (w.Contains("rate_limit", StringComparison.Ordinal) || w.Contains("rate limit", StringComparison.Ordinal) || w.Contains("too_many_requests", StringComparison.Ordinal)
            || w.Contains("resource_exhausted", StringComparison.Ordinal) || w.Contains("quota", StringComparison.Ordinal) || w.Contains("throttl", StringComparison.Ordinal))
        {
            return 429;
        }

        if (w.Contains("unavailable", StringComparison.Ordinal))
        {
            return 503;
        }

        if (w.Contains("timeout", StringComparison.Ordinal) || w.Contains("deadline", StringComparison.Ordinal))
        {
            return 504;
        }

        if (w.Contains("authentication", StringComparison.Ordinal) || w.Contains("unauthenticated", StringComparison.Ordinal) || w.Contains("invalid_api_key", StringComparison.Ordinal))
        {
            return 401;
        }

        if (w.Contains("permission", StringComparison.Ordinal))
        {
            return 403;
        }

        if (w.Contains("not_found", StringComparison.Ordinal))
        {
            return 404;
        }

        if (w.Contains("invalid_request", StringComparison.Ordinal) || w.Contains("invalid_argument", StringComparison.Ordinal) || w.Contains("bad_request", StringComparison.Ordinal)
            || w.Contains("context_length", StringComparison.Ordinal))
        {
            return 400;
        }

        if (w.Contains("server_error", StringComparison.Ordinal) || w.Contains("api_error", StringComparison.Ordinal) || w.Contains("internal", StringComparison.Ordinal))
        {
            return 500;
        }

        return null;
    }
}
