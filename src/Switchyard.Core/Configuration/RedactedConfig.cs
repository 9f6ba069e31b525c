using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration;

/// <summary>
/// The loaded config as the admin page shows it: what <c>switchyard migrate</c> writes (<see cref="ConfigWriter"/>),
/// with every secret replaced by <see cref="Redaction.Redacted"/>. Three layers, so that a key the writer puts
/// somewhere new is still caught: values under secret-looking keys (<c>access_key(s)</c>, <c>api_key</c>,
/// <c>aws_*</c>, anything named <c>*key*</c>, <c>*secret*</c>, <c>*token*</c>, <c>*password*</c>,
/// <c>authorization</c>) and every provider header value; URLs without user info and query
/// (<see cref="Redaction.Url(string?)"/>); and any value holding one of the config's known secrets.
/// </summary>
public static class RedactedConfig
{
    /// <summary>The redacted YAML text of <paramref name="config"/>.</summary>
    public static string Yaml(GatewayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var secrets = SecretsOf(config);
        var text = ConfigWriter.Write(config).Yaml;
        var stream = new YamlStream();
        using (var reader = new StringReader(text))
        {
            stream.Load(reader);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            return Scrub(text, secrets);
        }

        Walk(root, secrets, redactAll: false);
        return Scrub(ConfigYaml.Emit(root), secrets);
    }

    /// <summary>
    /// <paramref name="text"/> with every known secret of <paramref name="config"/> replaced (for messages that may
    /// quote config values, such as reload errors).
    /// </summary>
    public static string Scrub(string text, GatewayConfig config) => Scrub(text, SecretsOf(config));

    private static string Scrub(string text, IReadOnlyList<string> secrets)
    {
        foreach (var s in secrets)
        {
            text = text.Replace(s, Redaction.Redacted, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Key names whose values are secrets wherever they appear.</summary>
    public static bool IsSecretKey(string key)
    {
        var k = key.ToLowerInvariant();
        if (k.EndsWith("cooldown", StringComparison.Ordinal))
        {
            return false; // circuit_breaker.key_cooldown is a duration
        }

        return k.Contains("key", StringComparison.Ordinal) || k.Contains("secret", StringComparison.Ordinal)
            || k.Contains("token", StringComparison.Ordinal) || k.Contains("password", StringComparison.Ordinal)
            || k.Contains("passwd", StringComparison.Ordinal) || k.Contains("authorization", StringComparison.Ordinal)
            || k.Contains("credential", StringComparison.Ordinal);
    }

    private static bool IsUrlKey(string key)
    {
        var k = key.ToLowerInvariant();
        return k is "url" or "endpoint" || k.EndsWith("_url", StringComparison.Ordinal) || k.EndsWith("_endpoint", StringComparison.Ordinal);
    }

    private static void Walk(YamlNode node, IReadOnlyList<string> secrets, bool redactAll)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (keyNode, value) in map.Children.ToList())
                {
                    var key = (keyNode as YamlScalarNode)?.Value ?? "";
                    // Token budgets (max_tokens, tpm) are numbers, not secrets; keep them readable.
                    var secretKey = IsSecretKey(key) && !IsCount(key, value);
                    if ((redactAll || secretKey) && value is YamlScalarNode)
                    {
                        map.Children[keyNode] = new YamlScalarNode(Redaction.Redacted);
                    }
                    else if (value is YamlScalarNode { Value: { } url } && IsUrlKey(key))
                    {
                        map.Children[keyNode] = new YamlScalarNode(Redaction.Url(url) ?? "");
                    }
                    else
                    {
                        Walk(value, secrets, redactAll || secretKey || key == "headers");
                    }
                }

                break;
            case YamlSequenceNode seq:
                for (var i = 0; i < seq.Children.Count; i++)
                {
                    if (redactAll && seq.Children[i] is YamlScalarNode)
                    {
                        seq.Children[i] = new YamlScalarNode(Redaction.Redacted);
                    }
                    else
                    {
                        Walk(seq.Children[i], secrets, redactAll);
                    }
                }

                break;
        }
    }

    private static bool IsCount(string key, YamlNode value)
        => key.Contains("token", StringComparison.OrdinalIgnoreCase) && !key.Contains("session", StringComparison.OrdinalIgnoreCase)
            && value is YamlScalarNode { Value: { } v } && long.TryParse(v, out _);

    /// <summary>Every secret value the config holds (longest first, so a key containing another is replaced whole).</summary>
    private static List<string> SecretsOf(GatewayConfig config)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        void Add(string? value)
        {
            // Very short values would blank out ordinary text; they are still caught by key name.
            if (value is { Length: >= 6 })
            {
                set.Add(value);
            }
        }

        IEnumerable<ModelProviderConfig> entries = config.Providers;
        if (config.HostedRouter is { } router)
        {
            entries = entries.Append(router);
        }

        foreach (var p in entries)
        {
            Add(p.AccessKey);
            foreach (var k in p.AccessKeys)
            {
                Add(k);
            }

            Add(p.AwsAccessKeyId);
            Add(p.AwsSecretAccessKey);
            Add(p.AwsSessionToken);
            foreach (var v in p.Headers.Values)
            {
                Add(v);
            }
        }

        Add(config.Admin.ApiKey);
        Add(config.Affinity.CacheUrl);
        return [.. set.OrderByDescending(s => s.Length)];
    }
}
