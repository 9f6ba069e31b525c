using System.Net;

namespace Switchyard.Functional.Tests.Infrastructure;

internal static class ResponseAssert
{
    /// <summary>Asserts the status; on mismatch the message carries the body, which usually says why.</summary>
    public static async Task StatusAsync(HttpStatusCode expected, HttpResponseMessage response)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"expected HTTP {(int)expected}, got {(int)response.StatusCode}: {body}");
        }
    }

    public static Task OkAsync(HttpResponseMessage response) => StatusAsync(HttpStatusCode.OK, response);

    public static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var v) ? string.Join(",", v) : null;
}
