using Switchyard.Core.Providers;

namespace Switchyard.Core.Translation.Framing;

/// <summary>The framing each upstream protocol streams in.</summary>
public static class FrameReaders
{
    public static IUpstreamFrameReader For(UpstreamProtocol protocol, Stream upstream) => protocol switch
    {
        UpstreamProtocol.BedrockConverse => new Upstream.BedrockConverse.BedrockEventStreamFrameReader(upstream),
        _ => new SseFrameReader(upstream),
    };
}
