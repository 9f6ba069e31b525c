using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Switchyard.Core.Catalog;
using Switchyard.Core.Configuration;
using Switchyard.Core.Pipeline;

namespace Switchyard.Endpoints;

/// <summary>
/// <c>GET /v1/models</c> in OpenAI's list shape: configured and wildcard-expanded models by canonical name, then
/// load-balanced groups (<c>"switchyard_kind": "group"</c>), then aliases (marked <c>"switchyard_kind": "alias"</c>
/// with their target). A model whose entry has a key pool carries <c>"switchyard_keys": N</c>. Built once per config
/// snapshot.
/// </summary>
internal static class ModelsEndpoint
{
    private static readonly ConditionalWeakTable<RuntimeSnapshot, byte[]> Cache = new();

    public static async Task HandleAsync(HttpContext context, ConfigManager config)
    {
        var body = Cache.GetValue(config.Current, static s => Build(s.Catalog));
        context.Response.ContentType = "application/json";
        await context.Response.BodyWriter.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    public static async Task HandleOneAsync(HttpContext context, ConfigManager config, string id)
    {
        var catalog = config.Current.Catalog;
        var resolution = catalog.Resolve(id);
        if (resolution.Status != ResolutionStatus.Resolved)
        {
            await GatewayPipeline.WriteErrorAsync(context, 404, $"The model '{id}' does not exist or is not configured on this gateway", "invalid_request_error", "model_not_found").ConfigureAwait(false);
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            var model = resolution.Model!;
            WriteModel(w, id, model.Provider.Prefix, resolution.ViaAlias is null ? null : model.CanonicalName, model.Group is null ? "model" : "group", model.Keys?.Entries.Count ?? 0);
        }

        context.Response.ContentType = "application/json";
        await context.Response.BodyWriter.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    private static byte[] Build(ModelCatalog catalog)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var m in catalog.Models)
            {
                WriteModel(w, m.CanonicalName, m.Provider.Prefix, null, keys: m.Keys?.Entries.Count ?? 0);
            }

            foreach (var g in catalog.Groups)
            {
                WriteModel(w, g.Name, g.Members[0].Provider.Prefix, null, "group");
            }

            foreach (var a in catalog.Aliases)
            {
                var target = catalog.ResolveName(a.Target);
                WriteModel(w, a.Alias, target?.Provider.Prefix ?? "switchyard", a.Target);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteModel(Utf8JsonWriter w, string id, string ownedBy, string? aliasTarget, string kind = "model", int keys = 0)
    {
        w.WriteStartObject();
        w.WriteString("id", id);
        w.WriteString("object", "model");
        w.WriteNumber("created", 0);
        w.WriteString("owned_by", ownedBy);
        w.WriteString("switchyard_kind", aliasTarget is null ? kind : "alias");
        if (aliasTarget is not null)
        {
            w.WriteString("alias_target", aliasTarget);
        }

        if (keys > 1)
        {
            w.WriteNumber("switchyard_keys", keys); // a key pool: each key is its own endpoint
        }

        w.WriteEndObject();
    }
}
