using System.Globalization;
using System.Text;
using Switchyard.Core.Configuration;
using Switchyard.Core.Ir;
using Switchyard.Core.Providers;
using Switchyard.Core.Routing;
using Switchyard.Core.Routing.Metrics;

namespace Switchyard.Cli;

/// <summary>
/// <c>switchyard route --config FILE [--model M] [--affinity ID] [--json] "prompt"</c>: asks the configured router
/// model which route fits the prompt (a one-turn user conversation) and prints the decision with its explanation —
/// the same Route stage the gateway runs, without calling any model but the router.
/// </summary>
internal static class RouteCommand
{
    public const string UsageLine = "usage: switchyard route --config FILE [--model M] [--affinity ID] [--json] \"prompt\"";

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? config = null, model = null, affinity = null;
        var json = false;
        var prompt = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--config" or "-c" when i + 1 < args.Length:
                    config = args[++i];
                    break;
                case "--model" or "-m" when i + 1 < args.Length:
                    model = args[++i];
                    break;
                case "--affinity" when i + 1 < args.Length:
                    affinity = args[++i];
                    break;
                case "--json":
                    json = true;
                    break;
                case var a when a.StartsWith('-') && a.Length > 1:
                    await stderr.WriteLineAsync($"switchyard route: unknown option '{a}'\n{UsageLine}").ConfigureAwait(false);
                    return 2;
                default:
                    prompt.Add(args[i]);
                    break;
            }
        }

        if (config is null || prompt.Count == 0)
        {
            await stderr.WriteLineAsync(UsageLine).ConfigureAwait(false);
            return 2;
        }

        var result = ConfigLoader.LoadFile(config);
        foreach (var d in result.Diagnostics)
        {
            await stderr.WriteLineAsync(d.ToString()).ConfigureAwait(false);
        }

        if (result.Config is null)
        {
            await stderr.WriteLineAsync($"{config}: invalid ({result.Errors.Count()} error(s))").ConfigureAwait(false);
            return 1;
        }

        var snapshot = RuntimeSnapshot.Build(result.Config, 1);
        using var http = new UpstreamHttp();
        using var metricsHttp = new HttpClient();

        // The metrics sources are read once, as at gateway startup (observed latency has no history in a one-shot CLI).
        await using var figures = new MetricsSources(result.Config.MetricsSources, metricsHttp, new ObservedLatency(), catalog: snapshot.Catalog);
        await figures.StartAsync().ConfigureAwait(false);
        foreach (var status in figures.Status)
        {
            if (status.LastError is { } sourceError)
            {
                await stderr.WriteLineAsync($"switchyard route: metrics source {status.Name}: {sourceError}").ConfigureAwait(false);
            }
        }

        var service = new RoutingService(new RouterModelClient(http), figures, TimeProvider.System);
        var text = string.Join(' ', prompt);
        IReadOnlyList<IrMessage> messages = [new IrMessage(IrRole.User, [new IrTextPart(text)])];
        var input = new RoutingInput(model ?? result.Config.Router.Trigger, null, affinity, null, () => (messages, null));
        var (decision, error) = await service.RouteAsync(snapshot, input, CancellationToken.None).ConfigureAwait(false);
        if (decision is null)
        {
            await stderr.WriteLineAsync($"switchyard route: {error!.Message}").ConfigureAwait(false);
            return 1;
        }

        if (json)
        {
            await stdout.WriteLineAsync(Encoding.UTF8.GetString(RoutingExplain.ToJson(decision, traceId: null, indented: true, decisionApi: true))).ConfigureAwait(false);
        }
        else
        {
            await stdout.WriteAsync(Describe(decision)).ConfigureAwait(false);
        }

        return 0;
    }

    /// <summary>The decision and why, for people.</summary>
    public static string Describe(RoutingDecision d)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.Append(c, $"route:    {d.Route ?? "(none)"}\n");
        sb.Append(c, $"models:   {RoutingExplain.CandidateList(d)}\n");
        sb.Append(c, $"method:   {RoutingExplain.MethodName(d.Method)}{(d.PreferencesSource is { } source ? $" (preferences from {source})" : "")}\n");
        if (d.Router is { } r)
        {
            sb.Append(c, $"router:   {r.RouterModel ?? "(none)"}, {r.Elapsed.TotalMilliseconds:0} ms");
            sb.Append(r.Failed ? $", FAILED ({r.FailureName}): {r.FailureMessage}\n" : $", answered: {r.Decision?.RawAnswer}\n");
            if (r.Decision is { UnknownRoutes.Count: > 0 } rd)
            {
                sb.Append(c, $"          unknown route names dropped: {string.Join(", ", rd.UnknownRoutes)}\n");
            }
        }

        if (d.Ranking is { } ranking)
        {
            var unit = ranking.Policy == Core.Routing.Selection.SelectionPolicy.Cheapest ? "USD/M tokens" : "s";
            sb.Append(c, $"policy:   {Core.Routing.Selection.SelectionPolicyNames.ToConfigName(ranking.Policy)}\n");
            foreach (var rc in ranking.Candidates)
            {
                sb.Append(c, $"          {rc.Model}: {(rc.Figure is { } f ? f.ToString("0.######", c) + " " + unit : "no data (ranked last)")} (declared #{rc.DeclaredIndex + 1})\n");
            }
        }

        foreach (var skipped in d.Skipped)
        {
            sb.Append(c, $"skipped:  {skipped.Model}: {skipped.Reason}\n");
        }

        if (d.Pinned)
        {
            sb.Append("pinned:   yes\n");
        }

        if (d.Note is not null)
        {
            sb.Append(c, $"note:     {d.Note}\n");
        }

        return sb.ToString();
    }
}
