using System.Globalization;
using System.Text;

namespace Switchyard.Core.Translation.Client.AnthropicMessages;

/// <summary>
/// Errors as Anthropic's error object (<c>{"type":"error","error":{"type","message"}}</c>) and its
/// <c>event: error</c> stream event. Gateway error types in the OpenAI vocabulary are mapped to Anthropic's
/// (see <see cref="AnthropicErrorTypes"/> for the status → type table).
/// </summary>
public sealed class AnthropicErrorEncoder : IClientErrorEncoder
{
    public static AnthropicErrorEncoder Instance { get; } = new();

    private AnthropicErrorEncoder()
    {
    }

    /// <inheritdoc/>
    /// <remarks>
    /// This overload has no status: the type is kept when it is Anthropic's, otherwise derived from a numeric
    /// <paramref name="code"/> (the gateway puts the upstream status there), the code, or the OpenAI type name.
    /// </remarks>
    public byte[] Body(string message, string type, string? code)
        => AnthropicErrorJson.ToBytes(AnthropicErrorTypes.FromGateway(type, code), message);

    /// <summary>The error body with the type chosen by the HTTP status the client will see.</summary>
    public byte[] Body(int status, string message, string type, string? code)
        => AnthropicErrorJson.ToBytes(AnthropicErrorTypes.FromGateway(type, code, status), message);

    /// <inheritdoc/>
    public byte[] UpstreamBody(int status, ReadOnlySpan<byte> upstreamBody, string provider)
    {
        if (AnthropicErrorJson.TryRead(upstreamBody, out _, out _))
        {
            return upstreamBody.ToArray();
        }

        // Another vendor's error (OpenAI, Gemini, Bedrock) keeps its message under an Anthropic type chosen by status.
        var detail = AnthropicErrorJson.TryReadForeignMessage(upstreamBody)
            ?? Encoding.UTF8.GetString(upstreamBody.Length > 2048 ? upstreamBody[..2048] : upstreamBody).Trim();
        var statusText = status.ToString(CultureInfo.InvariantCulture);
        var message = detail.Length == 0
            ? $"upstream provider '{provider}' answered HTTP {statusText} with no body"
            : $"upstream provider '{provider}' answered HTTP {statusText}: {detail}";
        return AnthropicErrorJson.ToBytes(AnthropicErrorTypes.ForStatus(status), message);
    }

    /// <inheritdoc/>
    public byte[] StreamErrorEvent(string message, string code)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        AnthropicErrorJson.WriteSseEvent(buffer, code == "stream_idle_timeout" ? AnthropicErrorTypes.Timeout : AnthropicErrorTypes.Api, message);
        return buffer.WrittenSpan.ToArray();
    }
}
