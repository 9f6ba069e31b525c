using YamlDotNet.RepresentationModel;

namespace Switchyard.Core.Configuration.ModelList;

/// <summary>
/// PLLM <c>router</c> keys with a native equivalent (docs/configuration.md, PLLM / LiteLLM model_list):
/// <c>retry_attempts</c> (config.yaml) or <c>instance_retry_attempts</c> (README) is the listeners' <c>max_retries</c>
/// (retries of the same model before failing over, 0..10); <c>fallback_enabled: false</c> (config.yaml) or
/// <c>enable_model_fallback: false</c> (README) switches off every fallback rule of the router (<c>fallbacks</c>,
/// <c>model_fallbacks</c>, <c>context_window_fallbacks</c>, <c>content_policy_fallbacks</c>,
/// <c>fallback_models</c>/<c>default_fallbacks</c>); <c>enable_failover: true</c> is what Switchyard always does, and
/// <c>false</c> (PLLM: one instance, no retry, no fallback) is a warning.
/// </summary>
internal static class ModelListPllmRouterKeys
{
    public const string FallbackEnabled = "fallback_enabled";
    public const string EnableModelFallback = "enable_model_fallback";
    public const string RetryAttempts = "retry_attempts";
    public const string InstanceRetryAttempts = "instance_retry_attempts";
    public const string EnableFailover = "enable_failover";

    public static readonly string[] RouterKeys = [FallbackEnabled, EnableModelFallback, RetryAttempts, InstanceRetryAttempts, EnableFailover];

    /// <summary>Reads <paramref name="key"/> into <paramref name="routing"/>; false when it is not one of these keys.</summary>
    public static bool TryRead(ConfigReadContext ctx, string key, YamlNode value, string path, int keyLine, ModelListRouting routing)
    {
        switch (key)
        {
            case FallbackEnabled or EnableModelFallback:
                if (routing.FallbackEnabled is { } fallbackSet)
                {
                    ctx.Error(path, keyLine, $"{key} and {fallbackSet.Path} (line {fallbackSet.Line}) are the same setting; keep one");
                }
                else if (ctx.Bool(value, path) is { } enabled)
                {
                    routing.FallbackEnabled = (enabled, path, keyLine);
                }

                return true;
            case RetryAttempts or InstanceRetryAttempts:
                // The same range as listeners[].max_retries.
                if (routing.RetryAttempts is { } retrySet)
                {
                    ctx.Error(path, keyLine, $"{key} and {retrySet.Path} (line {retrySet.Line}) are the same setting; keep one");
                }
                else if (ctx.Int(value, path, 0, 10) is { } attempts)
                {
                    routing.RetryAttempts = (attempts, path, keyLine);
                }

                return true;
            case EnableFailover:
                if (ctx.Bool(value, path) == false)
                {
                    ctx.Warning(path, keyLine, "enable_failover: false is not supported: Switchyard always moves on to the next group member "
                        + "or fallback after a failure (set listeners[].max_retries: 0 and leave out fallbacks for the closest behaviour)");
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>
    /// Applies both keys once every router section is read: drops the fallback rules when fallbacks are disabled (one
    /// warning naming what is dropped), and gives every listener without its own <c>max_retries</c> the retry count.
    /// </summary>
    public static List<Located<ListenerConfig>> Apply(ConfigReadContext ctx, ModelListRouting routing, List<Located<ListenerConfig>> listeners)
    {
        if (routing.FallbackEnabled is { Enabled: false } off && (routing.Fallbacks.Count > 0 || routing.DefaultFallbacks.Count > 0))
        {
            var dropped = routing.Fallbacks.Select(r => r.Kind switch
                {
                    FallbackKind.ContextWindow => "context_window_fallbacks",
                    FallbackKind.ContentPolicy => "content_policy_fallbacks",
                    _ => "fallbacks",
                })
                .Concat(routing.DefaultFallbacks.Count > 0 ? ["fallback_models (default_fallbacks)"] : [])
                .Distinct(StringComparer.Ordinal);
            ctx.Warning(off.Path, off.Line, $"{off.Path[(off.Path.LastIndexOf('.') + 1)..]} is false: the rules of {string.Join(", ", dropped)} are not used (no model falls back to another)");
            routing.Fallbacks.Clear();
            routing.DefaultFallbacks.Clear();
        }

        if (routing.RetryAttempts is not { } retries)
        {
            return listeners;
        }

        var result = new List<Located<ListenerConfig>>(listeners.Count);
        foreach (var l in listeners)
        {
            if (l.KeyLines.TryGetValue("max_retries", out var line))
            {
                if (l.Value.MaxRetries != retries.Value)
                {
                    ctx.Warning(retries.Path, retries.Line, $"retry_attempts ({retries.Value}) is overridden by {l.Path}.max_retries ({l.Value.MaxRetries}, line {line})");
                }

                result.Add(l);
            }
            else
            {
                result.Add(l with { Value = l.Value with { MaxRetries = retries.Value } });
            }
        }

        return result;
    }
}
