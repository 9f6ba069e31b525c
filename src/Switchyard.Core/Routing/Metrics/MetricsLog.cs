using Microsoft.Extensions.Logging;

namespace Switchyard.Core.Routing.Metrics;

/// <summary>Log messages of the metrics sources (event ids 200–209).</summary>
internal static partial class MetricsLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Information, Message = "Metrics source {Name} ready")]
    public static partial void SourceReady(ILogger logger, string name);

    [LoggerMessage(EventId = 201, Level = LogLevel.Warning, Message = "Metrics source {Name} has no data yet ({Error}); its models rank as having no data until a refresh succeeds")]
    public static partial void SourceNoData(ILogger logger, string name, string? error);

    [LoggerMessage(EventId = 203, Level = LogLevel.Warning, Message = "Metrics source {Name} refresh failed ({Error}); the last good data stays in use")]
    public static partial void RefreshFailed(ILogger logger, string name, string? error);

    [LoggerMessage(EventId = 204, Level = LogLevel.Information, Message = "Metrics source {Name} refreshed again after failing")]
    public static partial void RefreshRecovered(ILogger logger, string name);

    [LoggerMessage(EventId = 202, Level = LogLevel.Information, Message = "Metrics sources reloaded: {Kept} kept, {Started} started, {Stopped} stopped")]
    public static partial void Reloaded(ILogger logger, int kept, int started, int stopped);
}
