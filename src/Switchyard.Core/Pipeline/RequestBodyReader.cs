using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;

namespace Switchyard.Core.Pipeline;

/// <summary>Outcome of reading a request body.</summary>
public enum BodyReadStatus { Ok, TooLarge, Empty, ClientGone }

/// <summary>
/// Reads the whole request body into one contiguous array (JSON must be complete before it can be routed), with a
/// size limit. The array is exactly the body's size, so it can be handed to upstream requests without copying.
/// </summary>
public static class RequestBodyReader
{
    /// <summary>Default limit: large enough for long multimodal conversations with inline images.</summary>
    public const long DefaultMaxBytes = 32L * 1024 * 1024;

    public static async ValueTask<(BodyReadStatus Status, byte[] Body)> ReadAsync(HttpRequest request, long maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength is { } declared && declared > maxBytes)
        {
            return (BodyReadStatus.TooLarge, []);
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
                    return (BodyReadStatus.TooLarge, []);
                }

                if (result.IsCompleted || result.IsCanceled)
                {
                    var body = buffer.ToArray();
                    reader.AdvanceTo(buffer.End);
                    return body.Length == 0 ? (BodyReadStatus.Empty, body) : (BodyReadStatus.Ok, body);
                }

                // Not complete: consume nothing, ask for more.
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException)
        {
            return (BodyReadStatus.ClientGone, []);
        }
        catch (IOException)
        {
            return (BodyReadStatus.ClientGone, []);
        }
    }
}
