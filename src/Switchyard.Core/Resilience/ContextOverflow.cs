using System.Text;
using System.Text.Json.Serialization;

namespace Switchyard.Core.Resilience;

/// <summary>
/// Recognises a provider's "the prompt does not fit the context window" answer from the patterns in the embedded
/// <c>context-overflow.json</c> (real error texts, each with its source). Only asked on the error path, for the
/// statuses a provider uses for it: 400, 413 and 422.
/// </summary>
public static class ContextOverflow
{
    private static readonly OverflowPattern[] Patterns = Load();

    /// <summary>The patterns as loaded (for tests and docs).</summary>
    public static IReadOnlyList<OverflowPattern> All => Patterns;

    /// <summary>True when <paramref name="status"/> can carry an overflow (400, 413, 422).</summary>
    public static bool IsCandidateStatus(int status) => status is 400 or 413 or 422;

    /// <summary>True when an upstream error answer (status and raw body) says the prompt is too long for the model.</summary>
    public static bool Matches(int status, ReadOnlySpan<byte> body)
        => IsCandidateStatus(status) && body.Length > 0 && Matches(Encoding.UTF8.GetString(body));

    /// <summary>True when an error event (status, code, message) says the prompt is too long for the model.</summary>
    public static bool Matches(int status, string? code, string? message)
        => IsCandidateStatus(status) && (Matches(code) || Matches(message));

    /// <summary>True when <paramref name="text"/> contains every string of one pattern (case-insensitive).</summary>
    public static bool Matches(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        foreach (var p in Patterns)
        {
            var all = true;
            foreach (var s in p.All)
            {
                if (!text.Contains(s, StringComparison.OrdinalIgnoreCase))
                {
                    all = false;
                    break;
                }
            }

            if (all)
            {
                return true;
            }
        }

        return false;
    }

    private static OverflowPattern[] Load()
    {
        using var stream = typeof(ContextOverflow).Assembly.GetManifestResourceStream("Switchyard.Core.Resilience.context-overflow.json")
            ?? throw new InvalidOperationException("context-overflow.json is not embedded");
        var file = System.Text.Json.JsonSerializer.Deserialize(stream, ContextOverflowJson.Default.OverflowPatternFile)
            ?? throw new InvalidDataException("context-overflow.json is empty");
        foreach (var p in file.Patterns)
        {
            if (p.All.Count == 0 || p.All.Any(string.IsNullOrEmpty))
            {
                throw new InvalidDataException($"context-overflow.json: pattern for '{p.Provider}' has an empty 'all'");
            }
        }

        return [.. file.Patterns];
    }
}

/// <summary>One overflow pattern: every string of <see cref="All"/> must occur in the error text.</summary>
public sealed record OverflowPattern(
    [property: JsonPropertyName("provider")] string Provider,
    [property: JsonPropertyName("all")] IReadOnlyList<string> All,
    [property: JsonPropertyName("example")] string Example,
    [property: JsonPropertyName("source")] string Source);

internal sealed record OverflowPatternFile([property: JsonPropertyName("patterns")] IReadOnlyList<OverflowPattern> Patterns);

[JsonSerializable(typeof(OverflowPatternFile))]
internal sealed partial class ContextOverflowJson : JsonSerializerContext;
