using System.Text;
using Switchyard.Protocols.OpenAIChat;

namespace Switchyard.Core.Translation.Client.OpenAIChat;

/// <summary>Errors as the OpenAI error object (<c>{"error":{message,type,param,code}}</c>).</summary>
public sealed class OpenAIChatErrorEncoder : IClientErrorEncoder
{
    public static OpenAIChatErrorEncoder Instance { get; } = new();

    public byte[] Body(string message, string type, string? code) => OpenAIError.ToBytes(message, type, code);

    public byte[] UpstreamBody(int status, ReadOnlySpan<byte> upstreamBody, string provider)
    {
        if (OpenAIError.IsOpenAIErrorBody(upstreamBody))
        {
            return upstreamBody.ToArray();
        }

        var text = Encoding.UTF8.GetString(upstreamBody.Length > 2048 ? upstreamBody[..2048] : upstreamBody).Trim();
        var message = text.Length == 0
            ? $"upstream provider '{provider}' answered HTTP {status} with no body"
            : $"upstream provider '{provider}' answered HTTP {status}: {text}";
        return OpenAIError.ToBytes(message, status == 429 ? "rate_limit_error" : "upstream_error", status.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public byte[] StreamErrorEvent(string message, string code) => OpenAIError.ToSseEvent(message, "upstream_error", code);
}
