namespace Switchyard.Core.Translation.Client;

/// <summary>Encodes errors in one client protocol's shape (OpenAI error object, Anthropic error object, ...).</summary>
public interface IClientErrorEncoder
{
    /// <summary>The error body for a gateway-made error.</summary>
    byte[] Body(string message, string type, string? code);

    /// <summary>
    /// The error body for an error with this HTTP status; protocols whose error types follow the status (Anthropic)
    /// use it to pick the type.
    /// </summary>
    byte[] Body(int status, string message, string type, string? code) => Body(message, type, code);

    /// <summary>
    /// The body for an upstream error response: passed through when it already has the client's shape, wrapped
    /// (keeping the upstream's message) otherwise.
    /// </summary>
    byte[] UpstreamBody(int status, ReadOnlySpan<byte> upstreamBody, string provider);

    /// <summary>The bytes of an in-stream error event that ends a stream cut after the first byte.</summary>
    byte[] StreamErrorEvent(string message, string code);
}
