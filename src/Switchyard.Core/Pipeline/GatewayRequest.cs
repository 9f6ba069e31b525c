using Microsoft.AspNetCore.Http;
using Switchyard.Core.Translation.Client;
using Switchyard.Protocols.OpenAIChat;

namespace Switchyard.Core.Pipeline;

/// <summary>Client protocol, decided by the endpoint.</summary>
public enum ClientProtocol { OpenAIChat, AnthropicMessages, OpenAIResponses }

/// <summary>
/// The one per-request object every pipeline stage narrows or annotates. The raw body is never mutated: upstream
/// bodies are patched copies, so a retry can send it again.
/// </summary>
public sealed class GatewayRequest
{
    public required HttpContext HttpContext { get; init; }
    public required ClientProtocol Protocol { get; init; }
    public required IClientErrorEncoder Errors { get; init; }
    /// <summary>The client's body exactly as received.</summary>
    public required ReadOnlyMemory<byte> RawBody { get; init; }
    /// <summary>Top-level <c>model</c>/<c>stream</c> of the body, with byte positions for patching.</summary>
    public required RequestEnvelope Envelope { get; init; }
    public string? RequestedModel => Envelope.Model;
    public bool IsStreaming => Envelope.Stream;
    /// <summary>The client's own provider credential (for <c>passthrough_auth</c>), or null.</summary>
    public string? ClientCredential { get; set; }
    /// <summary>The runtime snapshot this request runs on from start to end, even if a reload happens meanwhile.</summary>
    public required Configuration.RuntimeSnapshot Snapshot { get; init; }
    public required Configuration.ListenerConfig Listener { get; init; }
}
