namespace Switchyard.Core.Routing.Metrics;

/// <summary>
/// One bounded GET for a metrics source; every expected failure (status, timeout, network) becomes an error
/// message. <c>file://</c> addresses are read from disk so a local catalog snapshot works offline.
/// </summary>
internal static class MetricsHttp
{
    public static async Task<(byte[]? Body, string? Error)> GetAsync(HttpClient http, Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            if (url.IsFile)
            {
                return (await File.ReadAllBytesAsync(url.LocalPath, cts.Token).ConfigureAwait(false), null);
            }

            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseContentRead, cts.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cts.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? (body, null)
                : (null, $"GET {Redact(url)} answered {(int)response.StatusCode}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"GET {Redact(url)} timed out after {timeout.TotalSeconds:0.###} s");
        }
        catch (HttpRequestException ex)
        {
            return (null, $"GET {Redact(url)} failed: {ex.Message}");
        }
        catch (IOException ex)
        {
            return (null, $"reading {url.LocalPath} failed: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            return (null, $"reading {url.LocalPath} failed: {ex.Message}");
        }
    }

    // Query strings may carry tokens; error messages end up in logs and the admin API.
    private static string Redact(Uri url) => url.IsAbsoluteUri ? url.GetLeftPart(UriPartial.Path) : url.ToString();
}
