using System.Text;
using System.Text.Json;

namespace Switchyard.Core.Tests.Translation.Gemini;

/// <summary>Expected values read straight from the fixture JSON, without the codec.</summary>
internal sealed class GeminiOracle
{
    public string Text { get; }
    public string Thoughts { get; }
    public List<(string Name, string Args)> Calls { get; } = [];
    public List<string> Signatures { get; } = [];
    public string? Finish { get; }
    public string? BlockReason { get; }
    public string? ResponseId { get; }
    public string? ModelVersion { get; }
    public int? Prompt { get; }
    public int? Output { get; }
    public int? Thought { get; }

    public GeminiOracle(IEnumerable<JsonElement> chunks)
    {
        var text = new StringBuilder();
        var thoughts = new StringBuilder();
        foreach (var chunk in chunks)
        {
            ResponseId ??= Str(chunk, "responseId");
            ModelVersion ??= Str(chunk, "modelVersion");
            if (chunk.TryGetProperty("promptFeedback", out var fb))
            {
                BlockReason ??= Str(fb, "blockReason");
            }

            if (chunk.TryGetProperty("usageMetadata", out var u))
            {
                Prompt = Int(u, "promptTokenCount") ?? Prompt;
                var c = Int(u, "candidatesTokenCount");
                var t = Int(u, "thoughtsTokenCount");
                Output = c is null && t is null ? Output : (c ?? 0) + (t ?? 0);
                Thought = t ?? Thought;
            }

            if (!chunk.TryGetProperty("candidates", out var cands))
            {
                continue;
            }

            var cand = cands[0];
            Finish ??= Str(cand, "finishReason");
            if (!cand.GetProperty("content").TryGetProperty("parts", out var parts))
            {
                continue;
            }

            foreach (var p in parts.EnumerateArray())
            {
                if (Str(p, "thoughtSignature") is { } sig)
                {
                    Signatures.Add(sig);
                }

                if (p.TryGetProperty("functionCall", out var fc))
                {
                    Calls.Add((fc.GetProperty("name").GetString()!, fc.GetProperty("args").GetRawText()));
                }
                else if (p.TryGetProperty("thought", out var th) && th.GetBoolean())
                {
                    thoughts.Append(p.GetProperty("text").GetString());
                }
                else if (Str(p, "text") is { } s)
                {
                    text.Append(s);
                }
            }
        }

        Text = text.ToString();
        Thoughts = thoughts.ToString();
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetInt32() : null;
}
