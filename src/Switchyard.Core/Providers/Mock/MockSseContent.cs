using System.Net;

namespace Switchyard.Core.Providers.Mock;

/// <summary>
/// A streamed mock body: one SSE chunk per read, optionally paced, optionally cut with an I/O error
/// (<paramref name="cutAfter"/>) or broken by an unexpected exception (<paramref name="throwAfter"/>, a bug stand-in).
/// </summary>
internal sealed class MockSseContent(IReadOnlyList<byte[]> chunks, int delayMs, int cutAfter, int throwAfter = -1) : HttpContent
{
    protected override Task<Stream> CreateContentReadStreamAsync() => Task.FromResult<Stream>(new ChunkStream(chunks, delayMs, cutAfter, throwAfter));

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await using var source = new ChunkStream(chunks, delayMs, cutAfter, throwAfter);
        await source.CopyToAsync(stream).ConfigureAwait(false);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    private sealed class ChunkStream(IReadOnlyList<byte[]> chunks, int delayMs, int cutAfter, int throwAfter) : Stream
    {
        private int _index;
        private int _offset;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_index >= chunks.Count)
            {
                return 0;
            }

            if (_offset == 0)
            {
                if (cutAfter >= 0 && _index >= cutAfter)
                {
                    throw new IOException($"mock stream cut after {cutAfter} chunks (x-mock-cut-after)");
                }

                if (throwAfter >= 0 && _index >= throwAfter)
                {
                    throw new InvalidOperationException($"mock failure after {throwAfter} chunks (x-mock-throw-after)");
                }

                if (delayMs > 0 && _index > 0)
                {
                    await Task.Delay(delayMs, cancellationToken).ConfigureAwait(false);
                }
            }

            var chunk = chunks[_index];
            var n = Math.Min(buffer.Length, chunk.Length - _offset);
            chunk.AsMemory(_offset, n).CopyTo(buffer);
            _offset += n;
            if (_offset == chunk.Length)
            {
                _index++;
                _offset = 0;
            }

            return n;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
