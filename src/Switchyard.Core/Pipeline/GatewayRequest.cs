using Microsoft.AspNetCore.Http;
using Switchyard.Core.Ir;
using Switchyard.Core.Providers;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Client;
using Switchyard.Protocols.OpenAIChat;

namespace Switchyard.Core.Pipeline;

/// <summary>Client protocol, decided by the endpoint.</summary>
public enum ClientProtocol { OpenAIChat, AnthropicMessages, OpenAIResponses }

/// <summary>
/// The one per-request object every pipeline stage narrows or annotates. The raw body is never mutated: upstream
/// bodies are patched copies or fresh encodings, so a retry can send it again.
/// </summary>
public sealed class GatewayRequest
{
    private IrRequest? _ir;
    private IrError? _irError;
    private bool _decoded;

    public required HttpContext HttpContext { get; init; }
    public required ClientProtocol Protocol { get; init; }
    public required IClientErrorEncoder Errors { get; init; }
    /// <summary>The client protocol's codec, used only when the upstream speaks another protocol.</summary>
    public IClientCodec? Codec { get; init; }
    /// <summary>The pooled buffer the body was read into; the pipeline returns it when the request is over.</summary>
    public required RequestBody Body { get; init; }
    /// <summary>The client's body as received (minus inline <c>routing_preferences</c>); upstream bodies splice over it.</summary>
    public required ReadOnlyMemory<byte> RawBody { get; init; }
    /// <summary>Top-level <c>model</c>/<c>stream</c> of the body, with byte positions for patching.</summary>
    public required RequestEnvelope Envelope { get; init; }
    public string? RequestedModel => Envelope.Model;
    public bool IsStreaming => Envelope.Stream;
    /// <summary>The upstream protocol with the client's own wire format (pass-through when a provider speaks it).</summary>
    public UpstreamProtocol NativeUpstream => CodecRegistry.NativeUpstream(Protocol);
    /// <summary>The client's own provider credential (for <c>passthrough_auth</c>), or null.</summary>
    public string? ClientCredential { get; set; }
    /// <summary>
    /// True when the gateway added <c>stream_options.include_usage</c> to a pass-through chat stream the client
    /// did not ask usage for: the usage chunk is then read by the gateway and not shown to the client.
    /// </summary>
    public bool UsageInjected { get; set; }

    /// <summary>Token usage of the answer, as far as it was seen (for the Record stage: logs now, metrics later).</summary>
    public IrUsage? Usage { get; set; }

    /// <summary>What this request did (route, attempts, served model, timing), for the access log, metrics and cost.</summary>
    public Telemetry.RequestRecord Record { get; init; } = new();

    /// <summary>The served attempt's span, ended by the Record stage once the cost is known (null unless traced).</summary>
    internal System.Diagnostics.Activity? ServedSpan { get; set; }

    /// <summary>
    /// The request's cost in USD (<see cref="Telemetry.RequestCost.Usd"/> null = unknown): usage × the served model's
    /// price. Read it after dispatch (the usage is final then); computed once.
    /// </summary>
    public Telemetry.RequestCost RequestCost => Record.Cost;

    /// <summary>The candidate whose answer reached the client (set at commit), or null; metrics label by it.</summary>
    public Catalog.ResolvedModel? ServedBy => Record.Served;

    /// <summary>Stopwatch ticks spent in upstream attempts (the gateway's overhead is the rest of the request).</summary>
    public long UpstreamTicks { get; set; }

    /// <summary>The runtime snapshot this request runs on from start to end, even if a reload happens meanwhile.</summary>
    public required Configuration.RuntimeSnapshot Snapshot { get; init; }
    public required Configuration.ListenerConfig Listener { get; init; }

    /// <summary>
    /// The request in IR form, decoded on first use (only translation needs it; pass-through never pays for it).
    /// False with a client error when the body is invalid for the client protocol or no codec exists.
    /// </summary>
    public bool TryGetIr(out IrRequest? ir, out IrError? error)
    {
        if (!_decoded)
        {
            _decoded = true;
            if (Codec is null)
            {
                _irError = new IrError(501, "not_implemented", $"translating {Protocol} requests is not supported by this build");
            }
            // The IR outlives the pooled body (Responses conversations are stored): it decodes a copy.
            else if (Codec.TryDecodeRequest(RawBody.ToArray(), out var decoded, out var decodeError))
            {
                _ir = decoded;
            }
            else
            {
                _irError = decodeError ?? new IrError(400, "invalid_request_error", "the request could not be read");
            }
        }

        ir = _ir;
        error = _irError;
        return _ir is not null;
    }
}
