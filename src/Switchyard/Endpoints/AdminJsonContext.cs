using System.Text.Json;
using System.Text.Json.Serialization;
using Switchyard.Core.Configuration;
using Switchyard.Core.Telemetry;

namespace Switchyard.Endpoints;

/// <summary>An attempt of a recent request (the access log's fields).</summary>
internal sealed record AttemptDto(string Model, string Endpoint, string Outcome, int? Status, string? Code);

/// <summary>One request of the admin page's Recent requests (docs/observability.md, "Admin page").</summary>
internal sealed record RecentRequestDto(
    long Id, DateTimeOffset Time, string? RequestId, string? TraceId, string Protocol, string? RequestedModel,
    string? ServedModel, string? Provider, string? Endpoint, string? Route, string? RoutingMethod, string Why, bool Stream,
    int Status, string? Cut, IReadOnlyList<AttemptDto> Attempts, double? TtftMs, double DurationMs, int? InputTokens,
    int? OutputTokens, decimal? CostUsd, string? CostSource);

/// <summary><c>GET /v1/admin/requests</c>: the ring, newest first.</summary>
internal sealed record RecentRequestsDto(string Object, long Latest, int Capacity, IReadOnlyList<RecentRequestDto> Requests);

/// <summary><c>GET /v1/admin/requests/{id}</c>: one request with its routing explanation (the x-switchyard-explain JSON).</summary>
internal sealed record RequestDetailDto(string Object, RecentRequestDto Request, JsonElement? Explanation);

/// <summary>The traffic charts' data: <see cref="RequestHistory.Traffic"/>.</summary>
internal sealed record TrafficDto(string Object, int ResolutionSeconds, int WindowSeconds, long InFlight, IReadOnlyList<TrafficPoint> Points);

/// <summary><c>GET /v1/admin/config</c>: the loaded config, redacted, with its reload history.</summary>
internal sealed record ConfigDto(
    string Object, string Source, long Generation, string Dialect, bool AdminKeySet, string Yaml,
    IReadOnlyList<ReloadEvent> Reloads, ReloadEvent? LastError);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(RecentRequestsDto))]
[JsonSerializable(typeof(RequestDetailDto))]
[JsonSerializable(typeof(TrafficDto))]
[JsonSerializable(typeof(ConfigDto))]
internal sealed partial class AdminJsonContext : JsonSerializerContext;
