using System.Collections.Frozen;

namespace Switchyard.Endpoints;

/// <summary>
/// The admin page's files, embedded in the binary as manifest resources (<c>Ui/*</c> in the project; read with
/// <see cref="System.Reflection.Assembly.GetManifestResourceStream(string)"/>, which NativeAOT keeps). Served with a
/// strict content security policy: only the page's own script, styles and data endpoints; no inline script, no
/// framing.
/// </summary>
internal static class UiAssets
{
    private const string ResourcePrefix = "Switchyard.Ui.";

    private const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private static readonly FrozenDictionary<string, (string ContentType, byte[] Body)> Files = Load();

    private static FrozenDictionary<string, (string, byte[])> Load()
    {
        var assembly = typeof(UiAssets).Assembly;
        var files = new Dictionary<string, (string, byte[])>(StringComparer.Ordinal);
        foreach (var name in (string[])["index.html", "app.css", "app.js"])
        {
            using var stream = assembly.GetManifestResourceStream(ResourcePrefix + name)
                ?? throw new InvalidOperationException($"the admin page file {name} is missing from the build");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            files[name] = (ContentTypeOf(name), copy.ToArray());
        }

        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".html" => "text/html; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        _ => "text/javascript; charset=utf-8",
    };

    /// <summary>Writes the named file, or a 404.</summary>
    public static Task ServeAsync(HttpContext context, string name)
    {
        if (!Files.TryGetValue(name, out var file))
        {
            return Core.Pipeline.GatewayPipeline.WriteErrorAsync(context, 404, $"no admin page file {name}", "invalid_request_error", "unknown_url");
        }

        var headers = context.Response.Headers;
        context.Response.ContentType = file.ContentType;
        headers.CacheControl = "no-cache";
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        context.Response.ContentLength = file.Body.Length;
        return context.Response.Body.WriteAsync(file.Body, 0, file.Body.Length, context.RequestAborted);
    }
}
