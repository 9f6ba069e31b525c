using Switchyard.Core.Providers;

namespace Switchyard.Core.Translation.Framing;

/// <summary>The framing each upstream protocol streams in.</summary>
public static class FrameReaders
{
    public static IUpstreamFrameReader For(UpstreamProtocol protocol, Stream upstream, int maxFrameBytes = int.MaxValue) => protocol switch
    {
        UpstreamProtocol.BedrockConverse => new Upstream.BedrockConverse.BedrockEventStreamFrameReader(upstream, maxFrameBytes),
        _ => new SseFrameReader(upstream, maxFrameBytes),
    };
}
