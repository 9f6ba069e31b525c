using System.Text;
using Switchyard.Core.Ir;
using Switchyard.Core.Translation.Client.AnthropicMessages;

namespace Switchyard.Core.Translation.Upstream.AnthropicMessages;

/// <summary>Anthropic error bodies → <see cref="IrError"/>, keeping the upstream's type and message.</summary>
internal static class AnthropicMessagesErrorDecoder
{
    public static IrError Decode(int status, ReadOnlySpan<byte> body)
    {
        if (AnthropicErrorJson.TryRead(body, out var type, out var message))
        {
            return new IrError(status, type, message);
        }

        // A proxy or load balancer in front of Anthropic may answer in its own words: keep them.
        var text = AnthropicErrorJson.TryReadForeignMessage(body)
            ?? Encoding.UTF8.GetString(body.Length > 2048 ? body[..2048] : body).Trim();
        return new IrError(status, AnthropicErrorTypes.ForStatus(status), text.Length == 0 ? $"HTTP {status} with no body" : text);
    }
}
