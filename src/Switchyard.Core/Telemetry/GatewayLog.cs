using Microsoft.Extensions.Logging;

namespace Switchyard.Core.Telemetry;

/// <summary>Source-generated log messages for the request path (no formatting unless the level is on).</summary>
internal static partial class GatewayLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Warning, Message = "Attempt {Attempt} on {Model} failed: HTTP {Status}: {Reason}")]
    public static partial void AttemptFailed(ILogger logger, string model, int attempt, int status, string reason);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Stream from {Model} ended early ({How}); the client got an error event")]
    public static partial void StreamCut(ILogger logger, string model, string how);

    [LoggerMessage(EventId = 102, Level = LogLevel.Debug, Message = "Request for {Requested} resolved to {Model} with {Candidates} candidate(s)")]
    public static partial void Resolved(ILogger logger, string? requested, string model, int candidates);

    [LoggerMessage(EventId = 103, Level = LogLevel.Debug, Message = "Usage for {Model}: input {Input}, output {Output}, cached {Cached}, cache write {CacheWrite}, reasoning {Reasoning}")]
    public static partial void Usage(ILogger logger, string? model, int? input, int? output, int? cached, int? cacheWrite, int? reasoning);

    [LoggerMessage(EventId = 104, Level = LogLevel.Error, Message = "Translating the answer from {Model} failed; the client got an error event")]
    public static partial void TranslationFailed(ILogger logger, string model, Exception exception);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Upstream for {Model} refused the gateway's credential (HTTP {Status}); failing over. Upstream said: {Body}")]
    public static partial void CredentialRefused(ILogger logger, string model, int status, string body);

    [LoggerMessage(EventId = 106, Level = LogLevel.Error, Message = "Attempt on {Model} failed inside the gateway")]
    public static partial void AttemptCrashed(ILogger logger, string model, Exception exception);
}
