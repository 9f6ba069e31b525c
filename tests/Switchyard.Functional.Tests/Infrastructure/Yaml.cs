namespace Switchyard.Functional.Tests.Infrastructure;

/// <summary>Pieces of Plano YAML configs for the tests.</summary>
internal static class Yaml
{
    /// <summary>One model listener; its port is replaced by the test host's PortOverride = 0.</summary>
    public static string Listener(string timeout = "10s", string streamIdle = "10s", int maxRetries = 0, string? extra = null)
        => "version: v0.4.0\nlisteners:\n  - {name: llm, type: model, address: 127.0.0.1, port: 12000, "
           + $"timeout: {timeout}, stream_idle_timeout: {streamIdle}, max_retries: {maxRetries}" + (extra is null ? "" : ", " + extra) + "}\n";

    /// <summary>A chat request body.</summary>
    public static string Chat(string? model, bool stream = false, string content = "Hello!")
    {
        var modelPart = model is null ? "" : $"\"model\":\"{model}\",";
        var streamPart = stream ? ",\"stream\":true" : "";
        return $"{{{modelPart}\"messages\":[{{\"role\":\"user\",\"content\":\"{content}\"}}]{streamPart}}}";
    }
}
