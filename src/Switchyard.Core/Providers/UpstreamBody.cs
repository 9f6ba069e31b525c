using System.Net;
using System.Net.Http.Headers;

namespace Switchyard.Core.Providers;

/// <summary>
/// An upstream request body sent as a few segments over buffers it does not own — the client's pooled request
/// buffer around a new <c>model</c> value and an injected member — so no attempt copies the request (DESIGN.md §1.1).
/// The segments are never consumed or changed, so the same body can be sent again on a retry.
/// </summary>
public sealed class UpstreamBody : HttpContent
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");

    private readonly ReadOnlyMemory<byte>[] _segments;
    private readonly long _length;

    private UpstreamBody(ReadOnlyMemory<byte>[] segments)
    {
        _segments = segments;
        foreach (var s in segments)
        {
            _length += s.Length;
        }

        Headers.ContentType = Json;
    }

    /// <summary>One contiguous body (an encoded translation, a router prompt).</summary>
    public static UpstreamBody Single(ReadOnlyMemory<byte> body) => new([body]);

    /// <summary>Segments sent back to back.</summary>
    public static UpstreamBody Of(params ReadOnlyMemory<byte>[] segments) => new(segments);

    /// <summary>Total length in bytes.</summary>
    public long Length => _length;

    /// <summary>The segments, in order.</summary>
    public IReadOnlyList<ReadOnlyMemory<byte>> Segments => _segments;

    /// <summary>The body as one block: the segment itself when there is one, else a copy (request signing only).</summary>
    public ReadOnlyMemory<byte> Contiguous()
    {
        if (_segments.Length == 1)
        {
            return _segments[0];
        }

        var copy = new byte[_length];
        var at = 0;
        foreach (var s in _segments)
        {
            s.Span.CopyTo(copy.AsSpan(at));
            at += s.Length;
        }

        return copy;
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        foreach (var segment in _segments)
        {
            if (!segment.IsEmpty)
            {
                await stream.WriteAsync(segment, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override void SerializeToStream(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        foreach (var segment in _segments)
        {
            stream.Write(segment.Span);
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _length;
        return true;
    }
}
