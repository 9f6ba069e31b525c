using System.Collections.Frozen;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Cross-origin (browser) access, top-level <c>cors</c>. Off unless configured: the gateway adds the operator's
/// provider keys itself, so any web page that may call it can spend them.
/// </summary>
public sealed record CorsSettings
{
    /// <summary>Request headers a listed origin may send when <c>allowed_headers</c> is not given.</summary>
    public static readonly IReadOnlyList<string> DefaultAllowedHeaders =
        ["authorization", "content-type", "x-api-key", "anthropic-version", "anthropic-beta", "x-model-affinity"];

    // Declared after DefaultAllowedHeaders: static initialisers run in text order.
    /// <summary>The default: no cross-origin access, no <c>Access-Control-*</c> headers at all.</summary>
    public static CorsSettings Disabled { get; } = new();

    private readonly IReadOnlyList<string> _allowedOrigins = [];
    private readonly FrozenSet<string> _originSet = FrozenSet<string>.Empty;
    private readonly IReadOnlyList<string> _allowedHeaders = DefaultAllowedHeaders;
    private readonly string _allowedHeadersValue = string.Join(", ", DefaultAllowedHeaders);

    /// <summary>Origins (<c>scheme://host[:port]</c>, normalised: lower case, default port left out) allowed to call.</summary>
    public IReadOnlyList<string> AllowedOrigins
    {
        get => _allowedOrigins;
        init
        {
            _allowedOrigins = value;
            _originSet = value.ToFrozenSet(StringComparer.OrdinalIgnoreCase);
        }
    }

    /// <summary><c>"*"</c> was listed: every origin may call.</summary>
    public bool AllowAnyOrigin { get; init; }

    /// <summary>Request headers allowed in preflights.</summary>
    public IReadOnlyList<string> AllowedHeaders
    {
        get => _allowedHeaders;
        init
        {
            _allowedHeaders = value;
            _allowedHeadersValue = string.Join(", ", value);
        }
    }

    /// <summary><c>"*"</c> was listed in <c>allowed_headers</c>: whatever a preflight asks for is allowed.</summary>
    public bool AllowAnyHeader { get; init; }

    /// <summary>True when <c>allowed_headers</c> was written (the config writer keeps it only then).</summary>
    public bool HeadersConfigured { get; init; }

    public int Line { get; init; }

    /// <summary>Any origin at all is allowed.</summary>
    public bool Enabled => AllowAnyOrigin || AllowedOrigins.Count > 0;

    /// <summary>The allowed headers as one header value (built once, not per preflight).</summary>
    public string AllowedHeadersValue => _allowedHeadersValue;

    /// <summary>True when a request from <paramref name="origin"/> (its <c>Origin</c> header) may be answered.</summary>
    public bool Allows(string origin) => AllowAnyOrigin || _originSet.Contains(origin);
}

/// <summary>Reads <c>cors: {allowed_origins: [...], allowed_headers: [...]}</c> into <see cref="CorsSettings"/>.</summary>
internal static class CorsReader
{
    public const string Section = "cors";

    private static readonly string[] Keys = ["allowed_origins", "allowed_headers"];

    public static CorsSettings Read(ConfigReadContext ctx, YamlNode? node, int keyLine)
    {
        var settings = new CorsSettings { Line = keyLine };
        if (node is null || ConfigReadContext.IsNull(node) || ctx.Mapping(node, Section) is not { } map)
        {
            return settings;
        }

        foreach (var (key, value, _) in ctx.Entries(map, Section, Keys))
        {
            var path = ConfigReadContext.Child(Section, key);
            var items = Strings(ctx, value, path);
            if (key == "allowed_origins")
            {
                var origins = new List<string>();
                foreach (var (text, itemPath, itemNode) in items)
                {
                    if (text == "*")
                    {
                        settings = settings with { AllowAnyOrigin = true };
                    }
                    else if (NormaliseOrigin(text) is { } origin)
                    {
                        origins.Add(origin);
                    }
                    else
                    {
                        ctx.Error(itemPath, itemNode,
                            $"'{Redaction.Url(text)}' is not an origin: write scheme://host or scheme://host:port (http or https, no path), or \"*\" for any origin");
                    }
                }

                settings = settings with { AllowedOrigins = origins };
            }
            else
            {
                var headers = new List<string>();
                foreach (var (text, itemPath, itemNode) in items)
                {
                    if (text == "*")
                    {
                        settings = settings with { AllowAnyHeader = true };
                    }
                    else if (IsToken(text))
                    {
                        headers.Add(text.ToLowerInvariant());
                    }
                    else
                    {
                        ctx.Error(itemPath, itemNode, $"'{text}' is not a header name");
                    }
                }

                settings = settings with { AllowedHeaders = headers, HeadersConfigured = true };
            }
        }

        return settings;
    }

    /// <summary>Warns when any web page may call a gateway that adds provider credentials itself.</summary>
    public static void WarnIfOpen(ConfigReadContext ctx, CorsSettings cors, IReadOnlyList<ModelProviderConfig> providers)
    {
        if (!cors.AllowAnyOrigin)
        {
            return;
        }

        foreach (var p in providers)
        {
            if (p.AccessKey is not null || p.AwsSecretAccessKey is not null || p.AwsAccessKeyId is not null)
            {
                ctx.Warning(ConfigReadContext.Child(Section, "allowed_origins"), cors.Line,
                    $"\"*\" lets any web page open in a browser that can reach this gateway call it, and the gateway adds the configured provider keys (e.g. '{p.Name}') itself; list the origins that need access instead");
                return;
            }
        }
    }

    /// <summary><c>scheme://host[:port]</c> as browsers send it in <c>Origin</c>, or null when the text is not an origin.</summary>
    internal static string? NormaliseOrigin(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
            || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0
            || uri.AbsolutePath != "/" || text.EndsWith('/'))
        {
            return null;
        }

        return uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped).ToLowerInvariant();
    }

    private static bool IsToken(string text)
    {
        if (text.Length == 0)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal)))
            {
                return false;
            }
        }

        return true;
    }

    private static List<(string Text, string Path, YamlNode Node)> Strings(ConfigReadContext ctx, YamlNode node, string path)
    {
        var result = new List<(string, string, YamlNode)>();
        if (ConfigReadContext.IsNull(node) || ctx.Sequence(node, path) is not { } seq)
        {
            return result;
        }

        for (var i = 0; i < seq.Children.Count; i++)
        {
            var itemPath = ConfigReadContext.Index(path, i);
            if (ctx.String(seq.Children[i], itemPath) is { Length: > 0 } text)
            {
                result.Add((text.Trim(), itemPath, seq.Children[i]));
            }
            else if (seq.Children[i] is YamlScalarNode)
            {
                ctx.Error(itemPath, seq.Children[i], "is empty");
            }
        }

        return result;
    }
}
