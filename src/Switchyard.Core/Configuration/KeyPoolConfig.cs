using System.Security.Cryptography;
using System.Text;
using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>Which key of a pool a per-key entry uses: 1-based index, pool size and a fingerprint (never the key).</summary>
/// <param name="Index">1-based position in the pool.</param>
/// <param name="Count">Keys in the pool.</param>
/// <param name="Fingerprint"><c>sha256:</c> and the first 8 hex digits of the key's SHA-256.</param>
public sealed record KeySlot(int Index, int Count, string Fingerprint)
{
    /// <summary>"key 2/3" — what clients see.</summary>
    public string Label => $"key {Index}/{Count}";

    /// <inheritdoc />
    public override string ToString() => $"key {Index}/{Count} ({Fingerprint})";
}

/// <summary>
/// Config-side key pools: the native <c>access_keys</c> list, the PLLM convention that a model_list key written as
/// <c>${VAR}</c> (or <c>os.environ/VAR</c>) also brings in <c>VAR_1</c>, <c>VAR_2</c>, … from the environment, and
/// PLLM's OpenRouter variables (<c>OPENROUTER_HTTP_REFERER</c>, <c>OPENROUTER_X_TITLE</c>).
/// </summary>
internal static class KeyPoolConfig
{
    /// <summary>The highest numbered suffix probed for <c>VAR_N</c>.</summary>
    public const int MaxSuffix = 99;

    /// <summary>How many keys an entry sends with (0 for none or passthrough_auth).</summary>
    public static int Count(ModelProviderConfig entry)
        => entry.PassthroughAuth ? 0 : entry.AccessKeys.Count > 0 ? entry.AccessKeys.Count : string.IsNullOrEmpty(entry.AccessKey) ? 0 : 1;

    /// <summary>A fingerprint of a key for logs and state names: <c>sha256:</c> + 8 hex digits.</summary>
    public static string Fingerprint(string key)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return "sha256:" + Convert.ToHexStringLower(hash[..4]);
    }

    /// <summary>
    /// Native <c>access_keys</c>: a non-empty list of non-empty strings (each may be a <c>$VAR</c> reference), not
    /// together with <c>access_key</c>. A key listed twice is a warning and kept once. Returns the keys, or null.
    /// </summary>
    public static List<string>? ReadNative(ConfigReadContext ctx, YamlNode node, string path, string accessKeyPath, bool alsoAccessKey, int accessKeyLine)
    {
        if (alsoAccessKey)
        {
            ctx.Error(accessKeyPath, accessKeyLine,
                "access_key and access_keys are both set; list every key under access_keys");
            return null;
        }

        if (ctx.Sequence(node, path) is not { } seq)
        {
            return null;
        }

        if (seq.Children.Count == 0)
        {
            ctx.Error(path, node, "must list at least one key");
            return null;
        }

        var keys = new List<string>(seq.Children.Count);
        for (var i = 0; i < seq.Children.Count; i++)
        {
            var item = seq.Children[i];
            var itemPath = ConfigReadContext.Index(path, i);
            if (ctx.RequiredString(item, itemPath, ConfigReadContext.LineOf(item)) is not { } key)
            {
                continue;
            }

            if (keys.Contains(key))
            {
                ctx.Warning(itemPath, item, $"the same key is listed twice (as access_keys[{keys.IndexOf(key)}]); it is used once");
                continue;
            }

            keys.Add(key);
        }

        return keys;
    }

    /// <summary>
    /// The model_list pool for a key written as exactly <c>${VAR}</c>, <c>$VAR</c> or <c>os.environ/VAR</c>: the key
    /// itself, then <c>VAR_1</c>, <c>VAR_2</c>, … counted up until the first number that is not set (a missing
    /// <c>VAR_1</c> does not stop the count: PLLM's examples pair <c>VAR</c> with <c>VAR_2</c>, <c>VAR_3</c>). Empty
    /// values and repeats of an earlier key are left out. Each added key is recorded as the reference <c>${VAR_n}</c>
    /// at <c>{path}[j]</c> (the key itself keeps its reference at <paramref name="path"/>) so <c>migrate</c> writes
    /// references, never values. Null when there is no pool (one key).
    /// </summary>
    public static List<string>? ModelListPool(ConfigReadContext ctx, string path, string? text, string? key, ModelList.ModelListSecrets secrets)
    {
        if (VariableOf(ctx, path, text) is not { } variable)
        {
            return null;
        }

        var keys = new List<string>();
        var raws = new List<string?>();
        if (!string.IsNullOrEmpty(key))
        {
            keys.Add(key);
            raws.Add(null); // keeps its own reference at path
        }

        for (var n = 1; n <= MaxSuffix; n++)
        {
            var name = variable + "_" + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            var value = secrets.Lookup(name);
            if (value is null)
            {
                if (n == 1)
                {
                    continue;
                }

                break;
            }

            if (value.Length > 0 && !keys.Contains(value))
            {
                keys.Add(value);
                raws.Add(secrets.InFile(name) ? null : "${" + name + "}"); // a value written in the file is no secret of the environment
            }
        }

        if (keys.Count < 2)
        {
            return null;
        }

        var line = ctx.EnvReferences.LastOrDefault(r => r.Path == path)?.Line ?? 0;
        for (var j = 0; j < keys.Count; j++)
        {
            if (raws[j] is { } raw)
            {
                ctx.RecordEnvReference(ConfigReadContext.Index(path, j), line, raw, keys[j]);
            }
        }

        return keys;
    }

    // The variable a value was written as, when the whole value is one plain reference (no default, no other text):
    // os.environ/VAR as written, or $VAR / ${VAR} as recorded when the loader expanded it.
    private static string? VariableOf(ConfigReadContext ctx, string path, string? text)
    {
        string? name;
        if (text is not null && text.StartsWith(ModelList.ModelListSecrets.Prefix, StringComparison.Ordinal))
        {
            name = text[ModelList.ModelListSecrets.Prefix.Length..];
        }
        else if (ctx.EnvReferences.LastOrDefault(r => r.Path == path) is { } reference)
        {
            var raw = reference.Raw;
            name = raw.StartsWith("${", StringComparison.Ordinal) && raw.EndsWith('}') ? raw[2..^1]
                : raw.StartsWith('$') ? raw[1..]
                : null;
        }
        else
        {
            return null;
        }

        if (name is null || name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_'))
        {
            return null;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return null;
            }
        }

        return name;
    }

    /// <summary>PLLM's OpenRouter variables and the headers they become.</summary>
    public static readonly (string Variable, string Header)[] OpenRouterHeaders =
        [("OPENROUTER_HTTP_REFERER", "HTTP-Referer"), ("OPENROUTER_X_TITLE", "X-Title")];

    /// <summary>
    /// <paramref name="headers"/> plus the OpenRouter headers set in the environment, for an <c>openrouter/</c> entry;
    /// a header the entry sets itself wins. Each added header is recorded as a <c>${VAR}</c> reference at
    /// <c>{paramsPath}.headers.{Header}</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, string> WithOpenRouterHeaders(ConfigReadContext ctx, IReadOnlyDictionary<string, string> headers,
        string paramsPath, int line, Func<string, string?> lookup)
    {
        Dictionary<string, string>? result = null;
        foreach (var (variable, header) in OpenRouterHeaders)
        {
            if (headers.ContainsKey(header) || lookup(variable) is not { Length: > 0 } value)
            {
                continue;
            }

            result ??= new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
            result[header] = value;
            ctx.RecordEnvReference(ConfigReadContext.Child(ConfigReadContext.Child(paramsPath, "headers"), header), line, "${" + variable + "}", value);
        }

        return result ?? headers;
    }
}
