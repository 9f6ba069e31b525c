using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Switchyard.Core.Configuration;
using Switchyard.Core.Ir;
using Switchyard.Core.Pipeline;
using Switchyard.Core.Providers;
using Switchyard.Core.Relay;
using Switchyard.Core.Resilience;
using Switchyard.Core.Tests.Configuration;
using Switchyard.Core.Tests.Translation.AnthropicMessages;
using Switchyard.Core.Translation;
using Switchyard.Protocols.OpenAIChat;

namespace Switchyard.Core.Tests.Relay;

/// <summary>
/// The translating relay with a recorded Anthropic stream going to an OpenAI chat client: a failure inside the
/// client's stream encoder (a gateway bug) after commit must end the stream with an error event, never cleanly.
/// </summary>
public class TranslatingStreamRelayTests
{
    private const string Recording = "llmanth__test_stream_events_text.0.sse";

    [Fact]
    public async Task RelayAsync_EncoderThrowsAfterCommit_StreamEndsWithErrorEventNotDone()
    {
        var (relay, output) = Relay(new ThrowingCodec(throwOnEncode: 3));

        Assert.Equal(PeekKind.Ready, (await relay.PeekAsync()).Kind);
        var end = await relay.RelayAsync();

        var text = Encoding.UTF8.GetString(output.ToArray());
        Assert.NotEqual(RelayEnd.Complete, end);
        Assert.Contains("translation_failed", text, StringComparison.Ordinal);
        Assert.DoesNotContain("data: [DONE]", text, StringComparison.Ordinal);
        Assert.StartsWith("data: {", text, StringComparison.Ordinal); // what was encoded before the failure went out
    }

    [Fact]
    public async Task RelayAsync_SameStreamWithoutFault_EndsWithDone()
    {
        var (relay, output) = Relay(new ThrowingCodec(throwOnEncode: int.MaxValue));

        Assert.Equal(PeekKind.Ready, (await relay.PeekAsync()).Kind);
        Assert.Equal(RelayEnd.Complete, await relay.RelayAsync());
        Assert.EndsWith("data: [DONE]\n\n", Encoding.UTF8.GetString(output.ToArray()), StringComparison.Ordinal);
    }

    private static (UpstreamRelay Relay, MemoryStream Output) Relay(IClientCodec clientCodec)
        => RelayHarness.ChatStream("anthropic/claude-sonnet-4-5", new MemoryStream(AnthropicFixtures.Bytes(Recording)),
            UpstreamProtocol.AnthropicMessages, CodecRegistry.Upstream(UpstreamProtocol.AnthropicMessages),
            new HttpResponseMessage(System.Net.HttpStatusCode.OK), TimeProvider.System, clientCodec);

    /// <summary>The real chat client codec whose stream encoder fails on its Nth event, standing in for an encoder bug.</summary>
    private sealed class ThrowingCodec(int throwOnEncode) : IClientCodec
    {
        private readonly IClientCodec _real = CodecRegistry.Client(ClientProtocol.OpenAIChat)!;

        public ClientProtocol Protocol => _real.Protocol;

        public Core.Translation.Client.IClientErrorEncoder Errors => _real.Errors;

        public bool TryDecodeRequest(ReadOnlyMemory<byte> body, out IrRequest? request, out IrError? error) => _real.TryDecodeRequest(body, out request, out error);

        public byte[] EncodeResponse(IrResponse response, string clientModel) => _real.EncodeResponse(response, clientModel);

        public IClientStreamEncoder CreateStreamEncoder(string clientModel, bool includeUsage)
            => new Encoder(_real.CreateStreamEncoder(clientModel, includeUsage), throwOnEncode);

        private sealed class Encoder(IClientStreamEncoder real, int throwOn) : IClientStreamEncoder
        {
            private int _count;

            public void Encode(IrStreamEvent ev, IBufferWriter<byte> output)
            {
                if (++_count >= throwOn)
                {
                    throw new InvalidOperationException("encoder bug");
                }

                real.Encode(ev, output);
            }

            public void Complete(IBufferWriter<byte> output) => real.Complete(output);

            public void Fail(IrError error, IBufferWriter<byte> output) => real.Fail(error, output);
        }
    }
}
