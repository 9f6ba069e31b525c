using System.Text.Json.Nodes;
using Switchyard.Core.Configuration;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

public class AffinitySectionTests
{
    [Fact]
    public void Parse_Routing_ReadIntoAffinitySettings()
    {
        var config = LoadValid(MinimalProviders + "\n" + """
            routing:
              session_ttl_seconds: 120
              session_max_entries: 500
              session_cache:
                type: redis
                url: rediss://cache.internal:6380/2
                tenant_header: X-Tenant-Id
            """);

        Assert.Equal(
            new AffinitySettings
            {
                SessionTtl = TimeSpan.FromSeconds(120), MaxEntries = 500, CacheType = SessionCacheType.Redis,
                CacheUrl = "rediss://cache.internal:6380/2", TenantHeader = "X-Tenant-Id", Line = 4,
            },
            config.Affinity);
        Assert.False(config.Sections.ContainsKey("routing"));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("false", false)]
    public void Parse_RouteOnUserOnly_Read(string value, bool expected)
    {
        var result = Load(MinimalProviders + "\nrouting:\n  route_on_user_only: " + value);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Empty(result.Diagnostics);
        Assert.Equal(expected, result.Config!.Affinity.RouteOnUserOnly);
    }

    [Fact]
    public void Parse_RouteOnUserOnlyNotBoolean_ErrorAtLine()
    {
        var d = SingleError(MinimalProviders + "\nrouting:\n  route_on_user_only: yes");

        AssertAt(d, "routing.route_on_user_only", 5);
    }

    [Fact]
    public void Parse_RedisCache_WarnsThatPinsStayInMemory()
    {
        var result = Load(MinimalProviders + "\n" + """
            routing:
              session_cache:
                type: redis
                url: redis://cache:6379
            """);

        Assert.True(result.Success);
        var warning = Assert.Single(result.Warnings);
        AssertAt(warning, "routing.session_cache.type", 6);
        Assert.StartsWith("the Redis affinity backend is not in this build yet: pins are held in memory", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoRouting_Defaults()
    {
        var affinity = LoadValid(MinimalProviders).Affinity;

        Assert.Equal(new AffinitySettings(), affinity);
        Assert.Equal((TimeSpan.FromSeconds(600), 10_000, SessionCacheType.Memory), (affinity.SessionTtl, affinity.MaxEntries, affinity.CacheType));
    }

    [Theory]
    [InlineData("routing:\n  session_cache:\n    type: memcached", "routing.session_cache.type", 6, "'memcached' is not one of memory, redis")]
    [InlineData("routing:\n  session_cache:\n    url: redis://x", "routing.session_cache.type", 6, "is required: one of memory, redis")]
    [InlineData("routing:\n  session_cache:\n    type: redis", "routing.session_cache.url", 6, "is required")]
    [InlineData("routing:\n  session_cache:\n    type: redis\n    url: http://cache:6379", "routing.session_cache.url", 7, "'http://cache:6379' must be a redis:// or rediss:// URL with a host, e.g. redis://localhost:6379")]
    [InlineData("routing:\n  session_cache:\n    type: redis\n    url: localhost:6379", "routing.session_cache.url", 7, "'localhost:6379' must be a redis:// or rediss:// URL with a host, e.g. redis://localhost:6379")]
    [InlineData("routing:\n  session_cache:\n    type: memory\n    tenant_header: X Tenant", "routing.session_cache.tenant_header", 7, "'X Tenant' is not a valid HTTP header name")]
    [InlineData("routing:\n  session_ttl_seconds: soon", "routing.session_ttl_seconds", 5, "must be an integer, got 'soon'")]
    [InlineData("routing:\n  session_max_entries: 0", "routing.session_max_entries", 5, "must be between 1 and 2147483647, got 0")]
    [InlineData("routing:\n  sesion_ttl_seconds: 5", "routing.sesion_ttl_seconds", 5, "unknown key 'sesion_ttl_seconds' (did you mean 'session_ttl_seconds'?)")]
    [InlineData("routing: [a]", "routing", 4, "must be a mapping (key: value), got a list")]
    public void Parse_BadRouting_ErrorAtPathAndLine(string section, string path, int line, string message)
    {
        var d = SingleError(MinimalProviders + "\n" + section);

        AssertAt(d, path, line);
        Assert.Equal(message, d.Message);
    }

    [Fact]
    public void Parse_MemoryCacheWithUrl_Warning()
    {
        var result = Load(MinimalProviders + "\n" + """
            routing:
              session_cache:
                type: memory
                url: redis://cache:6379
            """);

        Assert.True(result.Success);
        var w = Assert.Single(result.Warnings);
        AssertAt(w, "routing.session_cache.url", 7);
        Assert.Equal("url 'redis://cache:6379' is ignored: session_cache type is memory", w.Message);
        Assert.Null(result.Config!.Affinity.CacheUrl);
    }

    [Fact]
    public void Parse_PlanoRouterModelKeys_WarnedAndKept()
    {
        var result = Load(MinimalProviders + "\n" + """
            routing:
              model: Arch-Router
              llm_provider: arch-router
              session_ttl_seconds: 60
            """);

        Assert.True(result.Success);
        Assert.Equal([("routing.model", 5), ("routing.llm_provider", 6)], result.Warnings.Select(w => (w.Path, w.Line)));
        Assert.All(result.Warnings, w => Assert.Contains("set overrides.llm_routing_model to a configured model instead", w.Message));
        Assert.Equal("""{"model":"Arch-Router","llm_provider":"arch-router"}""", ((JsonObject)result.Config!.Sections["routing"]!).ToJsonString());
        Assert.Equal(TimeSpan.FromSeconds(60), result.Config.Affinity.SessionTtl);
    }
}
