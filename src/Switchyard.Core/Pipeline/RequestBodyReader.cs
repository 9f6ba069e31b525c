using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;

namespace Switchyard.Core.Pipeline;

/// <summary>Outcome of reading a request body.</summary>
public enum BodyReadStatus { Ok, TooLarge, Empty, ClientGone }

/// <summary>
/// The client's request body in one contiguous array rented from the shared pool (JSON must be complete before it
/// can be routed). Upstream bodies are spliced over it without copying; it goes back to the pool when the request
/// is over, so nothing may keep a reference to <see cref="Memory"/> beyond the request (the IR decodes a copy).
/// </summary>
public sealed class RequestBody : IDisposable
{
    private byte[]? _array;

    internal RequestBody(byte[] array, int length)
    {
        _array = array;
        Length = length;
    }

    public int Length { get; }

    /// <summary>The body's bytes (valid until <see cref="Dispose"/>).</summary>
    public ReadOnlyMemory<byte> Memory => _array is { } a ? a.AsMemory(0, Length) : throw new ObjectDisposedException(nameof(RequestBody));

    public ReadOnlySpan<byte> Span => Memory.Span;

    public void Dispose()
    {
        // The shared empty instance has nothing to return and must stay usable.
        if (Length > 0 && Interlocked.Exchange(ref _array, null) is { } array)
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}

/// <summary>Reads the whole request body into a pooled <see cref="RequestBody"/>, with a size limit.</summary>
public static class RequestBodyReader
{
    /// <summary>Default limit: large enough for long multimodal conversations with inline images.</summary>
    public const long DefaultMaxBytes = 32L * 1024 * 1024;

    private static readonly RequestBody None = new([], 0);

    public static async ValueTask<(BodyReadStatus Status, RequestBody Body)> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            return (BodyReadStatus.TooLarge, None);
        }

        var reader = request.BodyReader;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                if (buffer.Length > maxBytes)
                {
                    reader.AdvanceTo(buffer.Start, buffer.End);
                    return (BodyReadStatus.TooLarge, None);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    var length = (int)buffer.Length;
                    if (length == 0)
                    {
                        reader.AdvanceTo(buffer.End);
                        return (BodyReadStatus.Empty, None);
                    }

                    var array = ArrayPool<byte>.Shared.Rent(length);
                    buffer.CopyTo(array);
                    reader.AdvanceTo(buffer.End);
                    return (BodyReadStatus.Ok, new RequestBody(array, length));
                }

                // Not complete: consume nothing, ask for more.
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException)
        {
            return (BodyReadStatus.ClientGone, None);
        }
        catch (IOException)
        {
            return (BodyReadStatus.ClientGone, None);
        }
    }
}
