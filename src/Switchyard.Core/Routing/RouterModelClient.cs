using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Ir;
using Switchyard.Core.Providers;
using Switchyard.Core.Routing.Preference;
using Switchyard.Core.Telemetry;

namespace Switchyard.Core.Routing;

/// <summary>Why a router-model call produced no usable answer (the request then fails open).</summary>
public enum RouterFailureKind
{
    /// <summary>The router answered in time with a readable answer.</summary>
    None,
    /// <summary><c>overrides.router_timeout</c> passed first.</summary>
    Timeout,
    /// <summary>Connection failure or a non-2xx status.</summary>
    Error,
    /// <summary>A 2xx answer that was not a chat completion, or whose content could not be read as a route.</summary>
    Garbage,
    /// <summary>No router model is configured, or it cannot be called (not an OpenAI-compatible endpoint, no credential).</summary>
    Unavailable,
}

/// <summary>The result of asking the router model: the parsed decision (or why there is none) and how long it took.</summary>
public sealed record RouterCallResult(RouterFailureKind FailureKind, string? FailureMessage, RouterDecision? Decision, TimeSpan Elapsed, string? RouterModel)
{
    public bool Failed => FailureKind != RouterFailureKind.None;

    /// <summary>Metric/header spelling of <see cref="FailureKind"/>.</summary>
    public string FailureName => FailureKind switch
    {
        RouterFailureKind.Timeout => "timeout",
        RouterFailureKind.Error => "error",
        RouterFailureKind.Garbage => "garbage",
        RouterFailureKind.Unavailable => "unavailable",
        _ => "none",
    };
}

/// <summary>Asks a router model which route fits a conversation (<see cref="RouterModelClient"/> over HTTP).</summary>
public interface IRouterModel
{
    /// <summary>Never throws for router failures: they come back as a failed <see cref="RouterCallResult"/>.</summary>
    Task<RouterCallResult> AskAsync(
        ModelCatalog catalog, RouterSettings settings, IReadOnlyList<RoutePreference> routes, IReadOnlyList<IrMessage> messages,
        CancellationToken cancellationToken);
}

/// <summary>
/// Asks the router model (<c>overrides.llm_routing_model</c>, any OpenAI-compatible server such as Ollama or vLLM
/// serving Arch-Router or Plano-Orchestrator) which route fits a conversation. The whole call — connect, send,
/// read — is bounded by <c>overrides.router_timeout</c>; every failure is returned, never thrown, so the pipeline can
/// fail open.
/// </summary>
public sealed class RouterModelClient(UpstreamHttp http) : IRouterModel
{
    /// <summary>The router's answer is one small JSON object; anything bigger than this is not an answer.</summary>
    private const int MaxAnswerBytes = 256 * 1024;

    public async Task<RouterCallResult> AskAsync(
        ModelCatalog catalog, RouterSettings settings, IReadOnlyList<RoutePreference> routes, IReadOnlyList<IrMessage> messages,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        if (settings.Model is null || catalog.ResolveName(settings.Model) is not { } router)
        {
            return Done(RouterFailureKind.Unavailable, "no router model is configured (overrides.llm_routing_model)", null, started, settings.Model);
        }

        if (!router.Provider.ProtocolsFor(router.Entry).Contains(UpstreamProtocol.OpenAIChat))
        {
            return Done(RouterFailureKind.Unavailable, $"router model '{router.CanonicalName}' is not served over the OpenAI chat API", null, started, router.CanonicalName);
        }

        if (UpstreamRequestBuilder.Credential(router, clientCredential: null, out var credential, out _) != UpstreamBuildError.None)
        {
            return Done(RouterFailureKind.Unavailable, $"router model '{router.CanonicalName}' has no access_key", null, started, router.CanonicalName);
        }

        var body = RouterRequestBuilder.BuildFromMessages(router.ModelId, settings.Format, routes, messages, settings.ContextLength);
        var span = GatewayTracing.StartRouter(router); // null unless tracing is on
        var result = await CallAsync(router, settings, routes, body, credential, span, started, cancellationToken).ConfigureAwait(false);
        GatewayTracing.RouterEnded(span, result);
        return result;
    }

    private async Task<RouterCallResult> CallAsync(ResolvedModel router, RouterSettings settings, IReadOnlyList<RoutePreference> routes, byte[] body, string? credential, Activity? span, long started, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.Timeout);
        try
        {
            // The one upstream request builder: base_url rule, auth, the entry's headers and http_host, like dispatch.
            using var message = UpstreamRequestBuilder.Build(router, UpstreamProtocol.OpenAIChat, stream: false, UpstreamBody.Single(body), credential,
                clientHeaders: null, connectTimeout: settings.Timeout);
            GatewayTracing.Propagate(message, span, context: null);
            using var response = await http.For(router.Provider).SendAsync(message, timeout.Token).ConfigureAwait(false);
            var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            byte[]? answer;
            await using (stream.ConfigureAwait(false))
            {
                answer = await BoundedBody.ReadAllAsync(stream, MaxAnswerBytes, timeout.Token).ConfigureAwait(false);
            }

            if (!response.IsSuccessStatusCode)
            {
                return Done(RouterFailureKind.Error, $"router model '{router.CanonicalName}' answered HTTP {(int)response.StatusCode}: {Excerpt(answer)}", null, started, router.CanonicalName);
            }

            if (answer is null)
            {
                return Done(RouterFailureKind.Garbage, $"router answer exceeds {MaxAnswerBytes} bytes", null, started, router.CanonicalName);
            }

            if (!TryReadContent(answer, out var content))
            {
                return Done(RouterFailureKind.Garbage, $"router answer is not a chat completion: {Excerpt(answer)}", null, started, router.CanonicalName);
            }

            var decision = RouterPrompts.For(settings.Format).Parse(content, routes);
            return decision.IsFailure
                ? Done(RouterFailureKind.Garbage, "router answer could not be read: " + decision.Failure, decision, started, router.CanonicalName)
                : Done(RouterFailureKind.None, null, decision, started, router.CanonicalName);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Done(RouterFailureKind.Timeout, $"router model '{router.CanonicalName}' did not answer within {settings.Timeout.TotalSeconds:0.###} s (overrides.router_timeout)", null, started, router.CanonicalName);
        }
        catch (HttpRequestException ex)
        {
            return Done(RouterFailureKind.Error, $"router model '{router.CanonicalName}' unreachable: {ex.Message}", null, started, router.CanonicalName);
        }
    }

    /// <summary><c>choices[0].message.content</c> of a chat completion (string content only).</summary>
    internal static bool TryReadContent(byte[] answer, out string content)
    {
        content = "";
        try
        {
            using var doc = JsonDocument.Parse(answer);
            if (doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("choices", out var choices)
                && choices.ValueKind == JsonValueKind.Array
                && choices.GetArrayLength() > 0
                && choices[0].ValueKind == JsonValueKind.Object
                && choices[0].TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.Object
                && message.TryGetProperty("content", out var text)
                && text.ValueKind == JsonValueKind.String)
            {
                content = text.GetString()!;
                return true;
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }

    private static string Excerpt(byte[]? body)
    {
        if (body is null)
        {
            return "(too large)";
        }

        var text = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 200)).ReplaceLineEndings(" ");
        return body.Length > 200 ? text + "…" : text;
    }

    private static RouterCallResult Done(RouterFailureKind kind, string? message, RouterDecision? decision, long started, string? model)
    {
        var result = new RouterCallResult(kind, message, decision, Stopwatch.GetElapsedTime(started), model);
        GatewayMetrics.RecordRouterDuration(result.Elapsed, result.Failed ? result.FailureName : "ok");
        return result;
    }
}
