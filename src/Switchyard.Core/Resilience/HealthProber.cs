using System.Text;
using Microsoft.Extensions.Logging;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Providers;
using Switchyard.Core.Resilience;
using Switchyard.Core.Endpoints;

namespace Switchyard.Core.Resilience;

/// <summary>
/// Active health checks (docs/resilience.md, "Health"): for every entry with <c>health_check</c>, a timer on the
/// gateway's TimeProvider ticks every <c>interval</c>; only while the entry's endpoint is open (or its key disabled)
/// does a tick send a cheap probe through the one request builder — the provider's model list (OpenAI-shaped and
/// Anthropic APIs) or, where that is the only option, a 1-token request — bounded by <c>timeout</c>. A 2xx closes the
/// breaker, so the endpoint recovers without user traffic. Closed endpoints are never probed.
/// </summary>
public sealed partial class HealthProber(UpstreamHttp http, TimeProvider time, ILogger<HealthProber> logger) : IDisposable
{
    private readonly object _lock = new();
    private List<ITimer> _timers = [];
    private bool _disposed;

    /// <summary>Replaces the probes with those of <paramref name="snapshot"/> (after start and every reload).</summary>
    public void Apply(RuntimeSnapshot snapshot)
    {
        var targets = new List<Target>();
        foreach (var entry in snapshot.Config.Providers)
        {
            if (entry.HealthCheck is not null && !entry.IsWildcard && !entry.PassthroughAuth && snapshot.Catalog.ResolveName(entry.Name) is { Group: null } model)
            {
                targets.Add(new Target(model, snapshot.Endpoints.For(entry), entry.HealthCheck, this));
            }
        }

        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            foreach (var timer in _timers)
            {
                timer.Dispose();
            }

            _timers = targets.ConvertAll(t => time.CreateTimer(static s => ((Target)s!).Tick(), t, t.Check.Interval, t.Check.Interval));
        }
    }

    /// <summary>Probes <paramref name="target"/>'s endpoint now if it is open; true when the probe closed it.</summary>
    internal async Task<bool> ProbeIfOpenAsync(Target target)
    {
        var endpoint = target.Endpoint;
        if (!endpoint.Breaker.IsTripped || Interlocked.Exchange(ref target.Running, 1) == 1)
        {
            return false;
        }

        try
        {
            var status = await ProbeAsync(target).ConfigureAwait(false);
            if (status is >= 200 and <= 299)
            {
                endpoint.Breaker.Reset(time.GetUtcNow());
                LogRecovered(logger, endpoint.EntryName, status);
                return true;
            }

            LogStillFailing(logger, endpoint.EntryName, status);
            return false;
        }
        finally
        {
            Volatile.Write(ref target.Running, 0);
        }
    }

    // The HTTP status of the probe, or 0 when it failed without one (timeout, connection refused).
    private async Task<int> ProbeAsync(Target target)
    {
        var model = target.Model;
        if (UpstreamRequestBuilder.Credential(model, null, out var credential, out _) != UpstreamBuildError.None)
        {
            return 0;
        }

        var protocol = model.ProtocolFor(UpstreamProtocol.OpenAIChat);
        var timeout = target.Check.Timeout;
        var listUri = ModelListUri(model, protocol);
        var body = listUri is null ? OneTokenBody(protocol, model.ModelId) : [];
        using var message = UpstreamRequestBuilder.Build(model, protocol, stream: false, UpstreamBody.Single(body), credential, null, timeout);
        if (listUri is not null)
        {
            message.Method = HttpMethod.Get;
            message.RequestUri = listUri;
            message.Content = null;
        }

        using var cts = new CancellationTokenSource(timeout, time);
        try
        {
            using var response = await http.For(model.Provider).SendAsync(message, cts.Token).ConfigureAwait(false);
            return (int)response.StatusCode;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            return 0;
        }
    }

    /// <summary>The provider's model list URL where the API has one next to the call path; null otherwise.</summary>
    internal static Uri? ModelListUri(ResolvedModel model, UpstreamProtocol protocol)
    {
        var uri = model.UriFor(protocol, stream: false);
        var path = uri.AbsolutePath;
        var suffix = protocol switch
        {
            UpstreamProtocol.OpenAIChat => "/chat/completions",
            UpstreamProtocol.AnthropicMessages => "/messages",
            _ => null,
        };
        if (suffix is null || !path.EndsWith(suffix, StringComparison.Ordinal) || path.Contains("/deployments/", StringComparison.Ordinal))
        {
            return null; // Azure deployments, Gemini, Bedrock, Responses: a 1-token request instead
        }

        return new UriBuilder(uri) { Path = path[..^suffix.Length] + "/models" }.Uri;
    }

    private static byte[] OneTokenBody(UpstreamProtocol protocol, string modelId)
    {
        var id = System.Text.Json.JsonEncodedText.Encode(modelId).ToString();
        return Encoding.UTF8.GetBytes(protocol switch
        {
            UpstreamProtocol.OpenAIResponses => $"{{\"model\":\"{id}\",\"input\":\"ping\",\"max_output_tokens\":16}}",
            UpstreamProtocol.AnthropicMessages => $"{{\"model\":\"{id}\",\"max_tokens\":1,\"messages\":[{{\"role\":\"user\",\"content\":\"ping\"}}]}}",
            UpstreamProtocol.Gemini => "{\"contents\":[{\"role\":\"user\",\"parts\":[{\"text\":\"ping\"}]}],\"generationConfig\":{\"maxOutputTokens\":1}}",
            UpstreamProtocol.BedrockConverse => "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"ping\"}]}],\"inferenceConfig\":{\"maxTokens\":1}}",
            _ => $"{{\"model\":\"{id}\",\"max_tokens\":1,\"messages\":[{{\"role\":\"user\",\"content\":\"ping\"}}]}}",
        });
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            foreach (var timer in _timers)
            {
                timer.Dispose();
            }

            _timers = [];
        }
    }

    /// <summary>One probed endpoint.</summary>
    internal sealed class Target(ResolvedModel model, EndpointState endpoint, HealthCheckConfig check, HealthProber prober)
    {
        public ResolvedModel Model => model;
        public EndpointState Endpoint => endpoint;
        public HealthCheckConfig Check => check;

        // One probe at a time per target.
        public int Running;

        public void Tick() => _ = prober.ProbeIfOpenAsync(this);
    }

    [LoggerMessage(EventId = 162, Level = LogLevel.Information, Message = "Health probe of entry {Entry} answered HTTP {Status}: its endpoint is back in rotation")]
    private static partial void LogRecovered(ILogger logger, string entry, int status);

    [LoggerMessage(EventId = 163, Level = LogLevel.Debug, Message = "Health probe of entry {Entry} failed (HTTP {Status}; 0 = no answer): its endpoint stays open")]
    private static partial void LogStillFailing(ILogger logger, string entry, int status);
}

/// <summary>What <c>/readyz</c> asks: can the default model be served by at least one endpoint?</summary>
public static class EndpointReadiness
{
    /// <summary>
    /// False only when the config has a default model and every endpoint behind it (the model, or its group's
    /// members) is open or key-disabled with time left on its cooldown at <paramref name="now"/>.
    /// </summary>
    public static bool DefaultModelUsable(RuntimeSnapshot snapshot, DateTimeOffset now)
    {
        if (snapshot.Catalog.Default is not { } model)
        {
            return true;
        }

        IReadOnlyList<ResolvedModel> members = model.Group?.Members ?? [model];
        foreach (var member in members)
        {
            var breaker = snapshot.Endpoints.For(member.Entry).Breaker;
            if (!breaker.IsTripped || breaker.OpenUntil is not { } until || until <= now)
            {
                return true;
            }
        }

        return false;
    }
}
