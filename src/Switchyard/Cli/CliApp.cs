using System.Globalization;
using Switchyard.Core.Configuration;
using Switchyard.Core.Providers;
using Switchyard.Hosting;

namespace Switchyard.Cli;

/// <summary>The <c>switchyard</c> command line: <c>serve</c>, <c>validate</c>, <c>models</c>, <c>migrate</c>, <c>route</c>.</summary>
public static class CliApp
{
    private const string Usage = """
        switchyard — a self-hosted LLM gateway

        Usage:
          switchyard serve [--config FILE] [--port N]   Run the gateway. Without --config: the built-in quickstart
                                                       (mock provider + every provider whose API key is set, e.g.
                                                       OPENAI_API_KEY). --port overrides the first listener's port.
          switchyard validate [--strict] FILE          Check a config: every error with its line (exit 1), or a
                                                       summary of providers, models and aliases (exit 0). Unset
                                                       $VARs are warnings (serve refuses to start until they are
                                                       set); --strict makes them errors.
          switchyard models FILE                       Print the resolved model table of a config (unset $VARs
                                                       are warnings).
          switchyard migrate FILE [-o OUT]             Rewrite a config as a native v0.4 config (v0.3 inline
                                                       routing_preferences moved to the top level; $VAR references
                                                       kept, so they need not be set) on stdout or into OUT.
                                                       Diagnostics go to stderr; an invalid config writes nothing
                                                       (exit 1).
          switchyard route --config FILE "prompt"      Ask the router model which route fits the prompt; print the
                       [--model M] [--affinity ID]     decision and why (router answer, ranking, skipped models).
                       [--json]
          switchyard --help | --version

        Config files are Plano-style YAML (plano_config.yaml, v0.3/v0.4); see docs/configuration.md. Relative
        paths are relative to the current directory.
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
            return args.Length == 0 ? 2 : 0;
        }

        if (args[0] is "--version" or "version")
        {
            await stdout.WriteLineAsync("switchyard " + typeof(CliApp).Assembly.GetName().Version).ConfigureAwait(false);
            return 0;
        }

        var command = args[0];
        var rest = args.AsSpan(1).ToArray();
        if (rest.Contains("--help") || rest.Contains("-h"))
        {
            await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
            return 0;
        }

        return command switch
        {
            "serve" => await ServeAsync(rest, stdout, stderr).ConfigureAwait(false),
            "validate" => Validate(rest, stdout, stderr),
            "models" => Models(rest, stdout, stderr),
            "migrate" => MigrateCommand.Run(rest, stdout, stderr),
            "route" => await RouteCommand.RunAsync(rest, stdout, stderr).ConfigureAwait(false),
            _ => Fail(stderr, $"unknown command '{command}'"),
        };
    }

    private static async Task<int> ServeAsync(string[] args, TextWriter stdout, TextWriter stderr)
    {
        string? config = null;
        int? port = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--config" or "-c" when i + 1 < args.Length:
                    config = args[++i];
                    break;
                case "--port" or "-p" when i + 1 < args.Length:
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 0 or > 65535)
                    {
                        return Fail(stderr, $"--port must be a number from 0 to 65535, not '{args[i]}'");
                    }

                    port = p;
                    break;
                default:
                    return Fail(stderr, $"serve: unexpected argument '{args[i]}'");
            }
        }

        var options = new GatewayHostOptions { ConfigPath = config, PortOverride = port };
        var (host, result) = GatewayHost.Create(options);
        foreach (var d in result.Diagnostics)
        {
            await stderr.WriteLineAsync(d.ToString()).ConfigureAwait(false);
        }

        if (host is null)
        {
            await stderr.WriteLineAsync($"switchyard: config has {result.Errors.Count()} error(s); not starting").ConfigureAwait(false);
            return 1;
        }

        await using (host.ConfigureAwait(false))
        {
            await host.RunAsync().ConfigureAwait(false);
        }

        return 0;
    }

    private static int Validate(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var strict = args.Contains("--strict");
        var files = args.Where(a => a != "--strict").ToArray();
        if (files.Length != 1 || files[0].StartsWith('-'))
        {
            return Fail(stderr, "usage: switchyard validate [--strict] FILE");
        }

        var file = files[0];
        var result = ConfigLoader.LoadFile(file, unsetVariables: strict ? UnsetVariables.Error : UnsetVariables.Warning);
        foreach (var d in result.Diagnostics)
        {
            (d.Severity == DiagnosticSeverity.Error ? stderr : stdout).WriteLine(d.ToString());
        }

        if (result.Config is null)
        {
            stderr.WriteLine($"{file}: invalid ({result.Errors.Count()} error(s))");
            return 1;
        }

        var snapshot = RuntimeSnapshot.Build(result.Config, 1);
        var cfg = result.Config;
        stdout.WriteLine(result.UnsetVariables.Count == 0
            ? $"{file}: valid"
            : $"{file}: valid, but 'switchyard serve' will refuse to start until these environment variables are set: {string.Join(", ", result.UnsetVariables)}");
        stdout.WriteLine($"  listeners: {string.Join(", ", cfg.Listeners.Select(l => $"{l.Name} {l.Address}:{l.Port}"))}");
        stdout.WriteLine($"  providers: {cfg.Providers.Count} ({string.Join(", ", cfg.Providers.Select(p => p.Provider).Distinct())})");
        stdout.WriteLine($"  models: {snapshot.Catalog.Models.Count}{(snapshot.Catalog.Default is { } def ? $" (default: {def.CanonicalName})" : "")}");
        stdout.WriteLine($"  wildcards: {string.Join(", ", snapshot.Catalog.Wildcards.Select(w => w.Model))}");
        stdout.WriteLine($"  aliases: {string.Join(", ", cfg.Aliases.Select(a => $"{a.Alias} -> {a.Target}"))}");
        stdout.WriteLine($"  groups: {string.Join(", ", cfg.Groups.Select(g => $"{g.Name} [{string.Join(", ", g.Members)}] ({g.Strategy})"))}");
        if (cfg.Providers.Any(p => p.AccessKeys.Count > 1 && !p.PassthroughAuth))
        {
            stdout.WriteLine($"  key pools: {string.Join(", ", cfg.Providers.Where(p => p.AccessKeys.Count > 1 && !p.PassthroughAuth).Select(p => $"{p.Name} ({p.AccessKeys.Count} keys)"))}");
        }
        if (cfg.RoutingPreferences.Count > 0)
        {
            stdout.WriteLine($"  routes: {string.Join(", ", cfg.RoutingPreferences.Select(r => r.Name))}");
            stdout.WriteLine(snapshot.Catalog.HostedRouter is { } hosted
                ? $"  router: the hosted Plano-Orchestrator at {hosted.UriFor(UpstreamProtocol.OpenAIChat, stream: false)} (routing prompts are sent there; "
                  + "to self-host, declare a provider entry for your router model and set overrides.llm_routing_model)"
                : $"  router: {cfg.Router.Model}");
        }

        return 0;
    }

    private static int Models(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args.Length != 1)
        {
            return Fail(stderr, "usage: switchyard models FILE");
        }

        // The table needs no secrets: unset variables are reported, not fatal.
        var result = ConfigLoader.LoadFile(args[0], unsetVariables: UnsetVariables.Warning);
        if (result.Config is null)
        {
            foreach (var e in result.Errors)
            {
                stderr.WriteLine(e.ToString());
            }

            return 1;
        }

        if (result.UnsetVariables.Count > 0)
        {
            stderr.WriteLine($"{args[0]}: warning: environment variables not set: {string.Join(", ", result.UnsetVariables)} ('switchyard serve' will refuse to start until they are)");
        }

        ModelTable.Write(stdout, RuntimeSnapshot.Build(result.Config, 1).Catalog);
        return 0;
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine("switchyard: " + message);
        stderr.WriteLine("Run 'switchyard --help' for usage.");
        return 2;
    }
}
