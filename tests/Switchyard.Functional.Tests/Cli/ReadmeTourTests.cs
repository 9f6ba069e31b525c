using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Switchyard.Functional.Tests.Cli;

/// <summary>
/// The README tour as a user runs it: <c>dotnet run --project src/Switchyard -c Release -- …</c> from the repository
/// root, with paths relative to that root and without API keys in the environment (CI has none). Uses
/// <c>--no-build</c>: the test run has just built the project.
/// </summary>
public sealed class ReadmeTourTests
{
    private static readonly TimeSpan CommandLimit = TimeSpan.FromSeconds(90);

    // Keys the shipped examples reference; removed so the commands see what a fresh checkout sees.
    private static readonly string[] ExampleKeys =
    [
        "OPENAI_API_KEY", "MISTRAL_API_KEY", "DEEPSEEK_API_KEY", "GROQ_API_KEY", "GEMINI_API_KEY", "ZHIPU_API_KEY",
        "AZURE_OPENAI_API_KEY", "ANTHROPIC_API_KEY", "SWITCHYARD_HOSTED_ROUTER_URL",
    ];

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Switchyard.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Switchyard.slnx not found above " + AppContext.BaseDirectory);
    }

    private static ProcessStartInfo DotnetRun(string root, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["run", "--project", "src/Switchyard", "-c", "Release", "--no-build", "--", .. args])
        {
            info.ArgumentList.Add(a);
        }

        foreach (var key in ExampleKeys)
        {
            info.Environment.Remove(key);
        }

        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return info;
    }

    private static async Task<(int Code, string Out, string Err)> RunToEndAsync(params string[] args)
    {
        using var process = Process.Start(DotnetRun(RepositoryRoot(), null, args))!;
        using var cts = new CancellationTokenSource(CommandLimit);
        var stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
        var stderr = process.StandardError.ReadToEndAsync(cts.Token);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Validate_ExampleFromRepositoryRootWithoutKeys_IsValidAndExitsZero()
    {
        var (code, output, err) = await RunToEndAsync("validate", "examples/plano-v04.yaml");

        Assert.True(code == 0, $"exit {code}\n{output}\n{err}");
        Assert.Contains("examples/plano-v04.yaml: valid", output);
        Assert.Contains("'OPENAI_API_KEY' is not set: 'switchyard serve' will refuse to start", output);
    }

    [Fact]
    public async Task Models_ExampleFromRepositoryRootWithoutKeys_PrintsTheTable()
    {
        var (code, output, err) = await RunToEndAsync("models", "examples/multi-provider.yaml");

        Assert.True(code == 0, $"exit {code}\n{output}\n{err}");
        Assert.Contains("https://api.z.ai/api/coding/paas/v4/chat/completions", output);
    }

    [Fact]
    public async Task Migrate_OutputPathRelativeToRepositoryRoot_IsWrittenThere()
    {
        var name = $"migrated-{Guid.NewGuid():N}.yaml";
        var target = Path.Combine(RepositoryRoot(), name);
        try
        {
            var (code, output, err) = await RunToEndAsync("migrate", "examples/plano-v04.yaml", "-o", name);

            Assert.True(code == 0, $"exit {code}\n{output}\n{err}");
            Assert.Contains("access_key: $OPENAI_API_KEY\n", await File.ReadAllTextAsync(target));
        }
        finally
        {
            File.Delete(target);
        }
    }

    [Fact]
    public async Task Serve_ExampleFromRepositoryRoot_ServesModelsUntilStopped()
    {
        var port = FreePort();
        var env = new Dictionary<string, string>
        {
            ["OPENAI_API_KEY"] = "sk-tour", ["MISTRAL_API_KEY"] = "m-tour", ["DEEPSEEK_API_KEY"] = "d-tour",
        };
        using var process = Process.Start(DotnetRun(RepositoryRoot(), env,
            "serve", "--config", "examples/plano-v04.yaml", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)))!;
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                stderr.AppendLine(e.Data);
            }
        };
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(5) };
            var deadline = Stopwatch.StartNew();
            string? body = null;
            while (body is null && deadline.Elapsed < CommandLimit && !process.HasExited)
            {
                try
                {
                    body = await client.GetStringAsync("/v1/models");
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(200);
                }
            }

            Assert.True(body is not null, $"the gateway did not answer GET /v1/models (exited: {process.HasExited})\n{Locked(stderr)}");
            using var doc = JsonDocument.Parse(body!);
            var ids = doc.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
            Assert.Contains("openai/gpt-4o-mini", ids);
            Assert.Contains("fast", ids);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    private static string Locked(StringBuilder sb)
    {
        lock (sb)
        {
            return sb.ToString();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
