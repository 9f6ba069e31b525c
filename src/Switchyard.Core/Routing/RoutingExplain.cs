using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Switchyard.Core.Routing.Selection;

namespace Switchyard.Core.Routing;

/// <summary>
/// Explainable routing: the response headers every routed response carries, and the JSON explanation given with
/// <c>x-switchyard-explain: 1</c>, by the decision API and by <c>switchyard route</c>.
/// </summary>
public static class RoutingExplain
{
    /// <summary>The chosen route's name (routed responses only).</summary>
    public const string RouteHeader = "x-switchyard-route";
    /// <summary>The dispatch order, comma-separated configured model names.</summary>
    public const string CandidatesHeader = "x-switchyard-candidates";
    /// <summary>How the candidates were chosen: preference, affinity, no-route, fail-open.</summary>
    public const string MethodHeader = "x-switchyard-routing";
    /// <summary>Present when the router failed and the request failed open: timeout, error, garbage or unavailable.</summary>
    public const string RouterFailureHeader = "x-switchyard-router-failure";
    /// <summary>Request header asking for the explanation; response header carrying it (JSON).</summary>
    public const string ExplainHeader = "x-switchyard-explain";
    /// <summary>Request header pinning a session's routing decision.</summary>
    public const string AffinityHeader = "X-Model-Affinity";

    private static readonly JsonWriterOptions Compact = new() { Indented = false };

    public static string MethodName(RoutingMethod method) => method switch
    {
        RoutingMethod.Preference => "preference",
        RoutingMethod.Affinity => "affinity",
        RoutingMethod.NoRoute => "no-route",
        RoutingMethod.FailOpen => "fail-open",
        _ => "direct",
    };

    /// <summary>True when the request asks for an explanation (<c>x-switchyard-explain: 1</c> or <c>true</c>).</summary>
    public static bool Wanted(IHeaderDictionary headers)
        => headers.TryGetValue(ExplainHeader, out var v) && v.Count > 0 && v[0] is "1" or "true";

    /// <summary>Sets the routing headers on a response that has not started.</summary>
    /// <param name="clientNative">The client's own upstream protocol: the explanation then says which API each candidate is reached over.</param>
    public static void SetHeaders(HttpResponse response, RoutingDecision decision, bool explain, Providers.UpstreamProtocol? clientNative = null)
    {
        if (!decision.IsRouted)
        {
            // A direct request has no routing headers; its explanation is worth giving when it has fallbacks or is
            // translated to another API (issue 11: a Responses-only model asked for over chat).
            if (explain && (HasFallbacks(decision) || UpstreamProtocols.Translated(decision, clientNative)))
            {
                response.Headers[ExplainHeader] = Encoding.UTF8.GetString(ToJson(decision, traceId: null, clientNative: clientNative));
            }

            return;
        }

        var headers = response.Headers;
        headers[MethodHeader] = MethodName(decision.Method);
        if (decision.Route is not null)
        {
            headers[RouteHeader] = Ascii(decision.Route);
        }

        headers[CandidatesHeader] = Ascii(CandidateList(decision));
        if (decision.Router is { Failed: true } router)
        {
            headers[RouterFailureHeader] = router.FailureName;
        }

        if (explain)
        {
            headers[ExplainHeader] = Encoding.UTF8.GetString(ToJson(decision, traceId: null, clientNative: clientNative));
        }
    }

    public static string CandidateList(RoutingDecision decision)
    {
        var sb = new StringBuilder();
        foreach (var c in decision.Candidates)
        {
            if (sb.Length > 0)
            {
                sb.Append(", ");
            }

            sb.Append(c.CanonicalName);
        }

        return sb.ToString();
    }

    /// <summary>The <c>models</c> entry of a decision-API answer when no route fits (Plano's sentinel).</summary>
    public const string NoModel = "none";

    /// <summary>
    /// The decision as JSON, in Plano's decision shape <c>{models, route, trace_id?, session_id?, pinned, switched}</c>
    /// followed by Switchyard's <c>method</c> and <c>explanation</c> (the router's raw answer and timing, why it was
    /// skipped, the ranking with its figures, the skipped candidates and notes). Non-ASCII is escaped, so the text is
    /// safe as an HTTP header value.
    /// </summary>
    /// <param name="decisionApi">
    /// For the decision API (and <c>switchyard route --json</c>): when no route fits, <c>models</c> is
    /// <c>["none"]</c> as in Plano, meaning "use the model you asked for"; the explain header lists what was dispatched.
    /// </param>
    public static byte[] ToJson(RoutingDecision decision, string? traceId, bool indented = false, bool decisionApi = false, Providers.UpstreamProtocol? clientNative = null)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, indented ? new JsonWriterOptions { Indented = true } : Compact))
        {
            w.WriteStartObject();
            w.WriteStartArray("models");
            if (decisionApi && decision.Method == RoutingMethod.NoRoute)
            {
                w.WriteStringValue(NoModel);
            }
            else
            {
                foreach (var c in decision.Candidates)
                {
                    w.WriteStringValue(c.CanonicalName);
                }
            }

            w.WriteEndArray();
            WriteNullable(w, "route", decision.Route);
            if (traceId is not null)
            {
                w.WriteString("trace_id", traceId);
            }

            if (decision.SessionId is not null)
            {
                w.WriteString("session_id", decision.SessionId);
            }

            w.WriteBoolean("pinned", decision.Pinned);
            // Plano's routing budget can veto a switch; Switchyard has none, so a decision never reports one.
            w.WriteBoolean("switched", false);
            w.WriteString("method", MethodName(decision.Method));
            w.WriteStartObject("explanation");
            WriteNullable(w, "preferences", decision.PreferencesSource);
            WriteNullable(w, "via_alias", decision.ViaAlias);
            if (decision.RouterSkipped is not null)
            {
                w.WriteString("router_skipped", decision.RouterSkipped);
            }

            if (decision.Router is { } router)
            {
                w.WriteStartObject("router");
                WriteNullable(w, "model", router.RouterModel);
                w.WriteNumber("elapsed_ms", Math.Round(router.Elapsed.TotalMilliseconds, 1));
                WriteNullable(w, "raw_answer", router.Decision?.RawAnswer);
                WriteNullable(w, "failure", router.Failed ? router.FailureName : null);
                WriteNullable(w, "failure_message", router.FailureMessage);
                if (router.Decision is { UnknownRoutes.Count: > 0 } d)
                {
                    w.WriteStartArray("unknown_routes");
                    foreach (var u in d.UnknownRoutes)
                    {
                        w.WriteStringValue(u);
                    }

                    w.WriteEndArray();
                }

                w.WriteEndObject();
            }

            if (decision.Ranking is { } ranking)
            {
                w.WriteStartObject("selection");
                w.WriteString("policy", SelectionPolicyNames.ToConfigName(ranking.Policy));
                w.WriteString("unit", ranking.Policy == SelectionPolicy.Cheapest ? "usd_per_million_tokens" : "seconds");
                w.WriteStartArray("ranking");
                foreach (var c in ranking.Candidates)
                {
                    w.WriteStartObject();
                    w.WriteString("model", c.Model);
                    if (c.Figure is { } f)
                    {
                        w.WriteNumber("figure", f);
                    }
                    else
                    {
                        w.WriteNull("figure");
                    }

                    w.WriteNumber("declared_index", c.DeclaredIndex);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteStartArray("skipped");
            foreach (var s in decision.Skipped)
            {
                w.WriteStartObject();
                w.WriteString("model", s.Model);
                w.WriteString("reason", s.Reason);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            WriteNullable(w, "note", decision.Note);
            WriteFallbacks(w, decision);
            UpstreamProtocols.Write(w, decision, clientNative);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static bool HasFallbacks(RoutingDecision d)
        => d.Candidates.Count > 0 && (d.FirstFallback < d.Candidates.Count || d.Candidates[0].Entry.ContextWindowFallbacks.Count > 0);

    // "fallbacks": which candidates are fallbacks of the requested model (tried on failures, in order) and where a
    // context overflow of the first candidate goes; the step actually taken is in x-switchyard-fallback-from/-reason.
    private static void WriteFallbacks(Utf8JsonWriter w, RoutingDecision d)
    {
        if (!HasFallbacks(d))
        {
            return;
        }

        w.WriteStartObject("fallbacks");
        WriteNullable(w, "from", d.FallbackOrigin ?? d.Candidates[0].CanonicalName);
        w.WriteStartArray("on_failure");
        for (var i = Math.Min(d.FirstFallback, d.Candidates.Count); i < d.Candidates.Count; i++)
        {
            w.WriteStringValue(d.Candidates[i].CanonicalName);
        }

        w.WriteEndArray();
        w.WriteStartArray("on_context_overflow");
        foreach (var name in d.Candidates[0].Entry.ContextWindowFallbacks)
        {
            w.WriteStringValue(name);
        }

        w.WriteEndArray();
        var window = d.Candidates[0].ContextWindow;
        if (window > 0)
        {
            w.WriteNumber("context_window", window);
        }

        w.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    /// <summary>Header values must be ASCII: anything else is escaped as <c>\uXXXX</c>.</summary>
    private static string Ascii(string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                return JsonEncodedText.Encode(value).ToString();
            }
        }

        return value;
    }
}
