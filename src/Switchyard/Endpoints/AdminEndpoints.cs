using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Switchyard.Core.Configuration;
using Switchyard.Core.Endpoints;
using Switchyard.Core.Pipeline;

namespace Switchyard.Endpoints;

/// <summary>
/// The admin API (<c>/v1/admin/…</c>; docs/resilience.md, "Stats and the admin API"). With <c>admin.api_key</c> set a
/// request needs <c>Authorization: Bearer &lt;key&gt;</c> (compared in constant time); without one, only clients on
/// loopback are answered, so a gateway listening on every interface does not show its endpoints' state to the network.
/// </summary>
internal static class AdminEndpoints
{
    public const string StatsPath = "/v1/admin/models/stats";

    public static void MapAdmin(this WebApplication app)
    {
        app.MapGet(StatsPath, StatsAsync);
    }

    /// <summary><c>GET /v1/admin/models/stats</c>: <see cref="ModelStatsReport"/> of the current config.</summary>
    public static async Task StatsAsync(HttpContext context, ConfigManager config, TimeProvider time)
    {
        var snapshot = config.Current;
        if (!await AuthorizeAsync(context, snapshot.Config.Admin).ConfigureAwait(false))
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var w = new Utf8JsonWriter(buffer))
        {
            ModelStatsReport.Write(w, snapshot, time.GetUtcNow());
        }

        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.BodyWriter.WriteAsync(buffer.WrittenMemory, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>True when the request may use the admin API; otherwise the error has been written (401 or 403).</summary>
    internal static async ValueTask<bool> AuthorizeAsync(HttpContext context, AdminSettings admin)
    {
        if (admin.ApiKey is not { } key)
        {
            if (context.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote))
            {
                // Loopback, and asked for as loopback by no other site: a page whose host name was re-pointed at
                // 127.0.0.1 (DNS rebinding) arrives from loopback under its own host name, and a page of another site
                // calling 127.0.0.1 directly sends its own Origin (readable when cors allows every origin).
                var host = context.Request.Host.Host; // empty only without a Host header (HTTP/1.0 tools; browsers always send one)
                if ((string.IsNullOrEmpty(host) || AdminUiEndpoints.IsLoopbackHost(host)) && !AdminUiEndpoints.IsForeignOrigin(context.Request))
                {
                    return true;
                }

                await GatewayPipeline.WriteErrorAsync(context, 403,
                    "without admin.api_key the admin API answers only requests to a loopback host name (localhost or an IP address) that no other site's page sent; set admin.api_key and send it as 'Authorization: Bearer <key>'",
                    "permission_error", "admin_loopback_only").ConfigureAwait(false);
                return false;
            }

            await GatewayPipeline.WriteErrorAsync(context, 403,
                "the admin API answers only clients on loopback while no admin.api_key is configured; set admin.api_key and send it as 'Authorization: Bearer <key>'",
                "permission_error", "admin_loopback_only").ConfigureAwait(false);
            return false;
        }

        var header = context.Request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        if (header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) && FixedTimeEquals(header.AsSpan(Bearer.Length).Trim(), key))
        {
            return true;
        }

        context.Response.Headers.WWWAuthenticate = "Bearer realm=\"switchyard-admin\"";
        await GatewayPipeline.WriteErrorAsync(context, 401,
            header.Length == 0
                ? "the admin API needs 'Authorization: Bearer <admin.api_key>'"
                : "the admin API key given is not the configured admin.api_key",
            "authentication_error", "invalid_admin_key").ConfigureAwait(false);
        return false;
    }

    private static bool FixedTimeEquals(ReadOnlySpan<char> given, string expected)
    {
        // Compare hashes so neither the length nor a common prefix of the key leaks through timing.
        Span<byte> a = stackalloc byte[32];
        Span<byte> b = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(given.ToArray()), a);
        SHA256.HashData(Encoding.UTF8.GetBytes(expected), b);
        return CryptographicOperations.FixedTimeEquals(a, b);
    }
}
