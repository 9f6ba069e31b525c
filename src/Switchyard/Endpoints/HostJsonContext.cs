using System.Text.Json.Serialization;

namespace Switchyard.Endpoints;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ReadyStatus))]
internal sealed partial class HostJsonContext : JsonSerializerContext;
