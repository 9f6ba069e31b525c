using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Core.Configuration;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Providers;
using Switchyard.Core.Relay;
using Switchyard.Core.Resilience;
using Switchyard.Core.Tests.Configuration;
using Switchyard.Core.Translation;
using Switchyard.Protocols.OpenAIChat;

namespace Switchyard.Core.Tests.Relay;

/// <summary>
/// A relay for one attempt of an OpenAI chat client's streamed request to <paramref name="model"/>, over an
/// in-memory upstream body; the client's bytes land in the returned stream.
/// </summary>
internal static class RelayHarness
{
    public static (UpstreamRelay Relay, MemoryStream Output) ChatStream(
        string model, Stream upstream, UpstreamProtocol protocol, IUpstreamCodec? upstreamCodec, HttpResponseMessage response,
        TimeProvider time, IClientCodec? clientCodec = null)
    {
        var config = ConfigTestSupport.LoadValid($"""
            model_providers:
              - model: {model}
                access_key: k
            """);
        var snapshot = RuntimeSnapshot.Build(config, 1);
        var candidate = snapshot.Catalog.Resolve(model).Model!;
        var body = Encoding.UTF8.GetBytes($"{{\"model\":\"{model}\",\"stream\":true,\"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}]}}");
        Assert.True(RequestEnvelope.TryScan(body, out var envelope, out _));
        var output = new MemoryStream();
        var context = new DefaultHttpContext();
        context.Response.Body = output;
        var request = new GatewayRequest
        {
            HttpContext = context,
            Protocol = ClientProtocol.OpenAIChat,
            Errors = CodecRegistry.Errors(ClientProtocol.OpenAIChat),
            Codec = clientCodec ?? CodecRegistry.Client(ClientProtocol.OpenAIChat),
            Body = new RequestBody(body, body.Length),
            RawBody = body,
            Envelope = envelope,
            Snapshot = snapshot,
            Listener = snapshot.Config.Listeners[0],
        };
        var relay = UpstreamRelay.For(new RelayScope
        {
            Request = request,
            Candidate = candidate,
            Call = new UpstreamCall(new HttpRequestMessage(), protocol, upstreamCodec, CredentialOwner.Gateway),
            Response = response,
            Upstream = upstream,
            Timers = new AttemptTimers(time, CancellationToken.None),
            Timeouts = UpstreamTimeouts.For(snapshot.Config.Listeners[0], candidate.Entry),
            MaxEventBytes = 1 << 20,
            Attempts = 1,
            Logger = NullLogger.Instance,
        });
        return (relay, output);
    }
}
