using System.Text.Json;
using Switchyard.Core.Translation;
using Switchyard.Core.Translation.Upstream.BedrockConverse;
using Switchyard.Protocols.EventStream;

namespace Switchyard.Core.Tests.Translation.BedrockConverse;

public sealed class BedrockEventStreamFrameReaderTests
{
    [Fact]
    public async Task ReadAsync_BodyArrivingInTinyReads_SameFramesAsInOneRead()
    {
        var body = BedrockFixtureSupport.Bytes("plano__response_with_tools.hex.bin");
        var whole = BedrockFixtureSupport.Frames(body);

        using var reader = new BedrockEventStreamFrameReader(new TrickleStream(body, seed: 3));
        var frames = new List<UpstreamFrame>();
        while (await reader.ReadAsync(CancellationToken.None) is { } frame)
        {
            frames.Add(frame);
        }

        Assert.Equal(whole.Count, frames.Count);
        Assert.All(whole.Zip(frames), p =>
        {
            Assert.Equal(p.First.EventType, p.Second.EventType);
            Assert.True(p.First.Data.Span.SequenceEqual(p.Second.Data.Span));
        });
        Assert.Equal("messageStart", frames[0].EventType);
    }

    [Fact]
    public async Task ReadAsync_CorruptedByte_InvalidDataException()
    {
        var body = BedrockFixtureSupport.Bytes("pydai__test_bedrock_model_stream.0.bin");
        body[body.Length / 2] ^= 0x40;

        using var reader = new BedrockEventStreamFrameReader(new MemoryStream(body));

        await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            while (await reader.ReadAsync(CancellationToken.None) is not null)
            {
            }
        });
    }

    [Fact]
    public async Task ReadAsync_BodyCutInsideAMessage_FramesBeforeThenInvalidDataException()
    {
        var body = BedrockFixtureSupport.Bytes("pydai__test_bedrock_model_stream.0.bin");
        var frameCount = BedrockFixtureSupport.Frames(body).Count;
        using var reader = new BedrockEventStreamFrameReader(new MemoryStream(body[..^5]));

        var read = 0;
        var e = await Assert.ThrowsAsync<InvalidDataException>(async () =>
        {
            while (await reader.ReadAsync(CancellationToken.None) is not null)
            {
                read++;
            }
        });

        Assert.Equal(frameCount - 1, read);
        Assert.Contains("ended inside a message", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToFrame_UnmodeledErrorMessage_ExceptionFrameWithBedrockStyleBody()
    {
        var frame = EventStreamWriter.Encode(
            [
                EventStreamHeader.FromString(":message-type", "error"),
                EventStreamHeader.FromString(":error-code", "InternalFailure"),
                EventStreamHeader.FromString(":error-message", "the \"model\" failed"),
            ],
            []);
        Assert.True(EventStreamReader.TryRead(frame, out var message, out _));

        var upstream = BedrockEventStreamFrameReader.ToFrame(message!);

        Assert.True(upstream.IsException);
        Assert.Equal("InternalFailure", upstream.EventType);
        Assert.Equal("the \"model\" failed", JsonDocument.Parse(upstream.Data).RootElement.GetProperty("message").GetString());
        var (events, _) = BedrockFixtureSupport.Decode([upstream]);
        var error = Assert.IsType<Switchyard.Core.Ir.IrStreamError>(Assert.Single(events)).Error;
        Assert.Equal((500, "InternalFailure", "the \"model\" failed"), (error.Status, error.Code, error.Message));
    }

    /// <summary>A stream that hands out the body a few bytes per read, like a slow network.</summary>
    private sealed class TrickleStream(byte[] data, int seed) : MemoryStream(data)
    {
        private readonly Random _random = new(seed);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, _random.Next(1, 40))], cancellationToken);
    }
}
