using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// Top-level <c>admin</c>: who may call the admin API (<c>/v1/admin/…</c>). With <c>api_key</c> set, a request must
/// carry it as <c>Authorization: Bearer …</c>; without it the admin API answers only requests from loopback.
/// </summary>
public sealed record AdminSettings
{
    public static AdminSettings Default { get; } = new();

    /// <summary>The bearer token the admin API requires; null: loopback clients only.</summary>
    public string? ApiKey { get; init; }

    public int Line { get; init; }

    /// <summary>Never prints the key.</summary>
    public override string ToString() => $"AdminSettings {{ ApiKey = {Redaction.Secret(ApiKey) ?? "(none: loopback only)"} }}";
}

/// <summary>Reads <c>admin: {api_key}</c> (native) and the <c>api_key</c> of PLLM's <c>admin</c> block.</summary>
internal static class AdminReader
{
    public const string Section = "admin";
    public const string ApiKey = "api_key";

    private static readonly string[] Keys = [ApiKey];

    /// <summary>Native/Plano dialect: <c>api_key</c> is the only key.</summary>
    public static AdminSettings Read(ConfigReadContext ctx, YamlNode? node, int keyLine)
    {
        if (node is null || ConfigReadContext.IsNull(node) || ctx.Mapping(node, Section) is not { } map)
        {
            return AdminSettings.Default with { Line = keyLine };
        }

        var settings = new AdminSettings { Line = keyLine };
        foreach (var (_, value, _) in ctx.Entries(map, Section, Keys))
        {
            settings = settings with { ApiKey = Key(ctx, value) };
        }

        return settings;
    }

    /// <summary>
    /// model_list dialect: PLLM's <c>admin</c> block holds its web UI's login (<c>username</c>, <c>password</c>,
    /// <c>email</c>), which Switchyard has no use for (one warning naming them); its <c>api_key</c>, if written, is
    /// Switchyard's admin key.
    /// </summary>
    public static AdminSettings ReadModelList(ConfigReadContext ctx, YamlNode node, int keyLine, ModelList.ModelListSecrets secrets)
    {
        var settings = new AdminSettings { Line = keyLine };
        if (ConfigReadContext.IsNull(node) || ctx.Mapping(node, Section) is not { } map)
        {
            return settings;
        }

        var ignored = new List<string>();
        foreach (var (key, value, _) in ctx.FreeEntries(map, Section))
        {
            if (key == ApiKey)
            {
                settings = settings with { ApiKey = Key(ctx, value, secrets) };
            }
            else
            {
                ignored.Add(key);
            }
        }

        if (ignored.Count > 0)
        {
            ctx.Warning(Section, keyLine,
                $"admin {string.Join(", ", ignored)} configure the PLLM proxy's own login and are not used by Switchyard (ignored); only admin.api_key is read: the bearer token of /v1/admin/…");
        }

        return settings;
    }

    private static string? Key(ConfigReadContext ctx, YamlNode value, ModelList.ModelListSecrets? secrets = null)
    {
        var path = ConfigReadContext.Child(Section, ApiKey);
        if (ConfigReadContext.IsNull(value))
        {
            // Written but empty (e.g. a variable set to ""): the safe reading is no key, so loopback only — said aloud.
            ctx.Warning(path, value, "is empty: the admin API answers only clients on loopback");
            return null;
        }

        var key = secrets is null ? ctx.String(value, path) : secrets.Read(ctx, value, path); // model_list: os.environ/NAME too
        if (key is { Length: 0 } || key?.Trim().Length != key?.Length)
        {
            ctx.Error(path, value, "must be a non-empty key without surrounding spaces");
            return null;
        }

        return key;
    }
}
