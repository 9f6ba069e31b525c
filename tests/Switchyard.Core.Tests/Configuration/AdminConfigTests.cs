using Switchyard.Core.Configuration;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

public sealed class AdminConfigTests
{
    private static readonly Dictionary<string, string> Env = new() { ["ADMIN_KEY"] = "adm-secret-91" };

    [Fact]
    public void Native_ApiKeyFromEnvironment_ReadAndNeverPrinted()
    {
        var config = LoadValid("""
            admin:
              api_key: ${ADMIN_KEY}
            """ + "\n" + MinimalProviders, Env);

        Assert.Equal("adm-secret-91", config.Admin.ApiKey);
        Assert.DoesNotContain("adm-secret-91", config.Admin.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("adm-secret-91", config.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Native_NoAdminSection_NoKey()
        => Assert.Null(LoadValid(MinimalProviders).Admin.ApiKey);

    [Fact]
    public void Native_UnknownKey_ErrorNamesIt()
    {
        var d = SingleError("""
            admin:
              apikey: x
            """ + "\n" + MinimalProviders);

        AssertAt(d, "admin.apikey", 2);
    }

    [Fact]
    public void Native_EmptyStringKey_Error()
        => AssertAt(SingleError("""
            admin:
              api_key: ""
            """ + "\n" + MinimalProviders), "admin.api_key", 2);

    [Fact]
    public void Native_KeyWithoutValue_WarnsLoopbackOnly()
    {
        var result = Load("""
            admin:
              api_key:
            """ + "\n" + MinimalProviders);

        Assert.True(result.Success);
        Assert.Null(result.Config!.Admin.ApiKey);
        var w = Assert.Single(result.Warnings);
        Assert.Equal("admin.api_key", w.Path);
        Assert.Contains("loopback", w.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelList_PllmAdminBlock_ApiKeyUsed_LoginKeysWarnedByName()
    {
        var result = Load("""
            admin:
              username: admin
              password: changeme123!
              api_key: os.environ/ADMIN_KEY
            model_list:
              - model_name: gpt-4o
                params:
                  model: gpt-4o
                  api_key: k
            """, Env);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        Assert.Equal("adm-secret-91", result.Config!.Admin.ApiKey);
        var w = Assert.Single(result.Warnings);
        Assert.Equal(("admin", 1), (w.Path, w.Line));
        Assert.Contains("username, password", w.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Migrate_WritesTheReferenceNotTheKey_AndReloadsTheSame()
    {
        var loaded = Load("""
            admin:
              api_key: ${ADMIN_KEY}
            """ + "\n" + MinimalProviders, Env);
        Assert.True(loaded.Success);

        var written = ConfigWriter.Write(loaded.Config!, loaded.EnvReferences);

        Assert.Contains("admin:\n  api_key: ${ADMIN_KEY}\n", written.Yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("adm-secret-91", written.Yaml, StringComparison.Ordinal);
        var reloaded = ConfigLoader.Parse(written.Yaml, Source, name => Env.GetValueOrDefault(name));
        Assert.Equal("adm-secret-91", reloaded.Config!.Admin.ApiKey);
    }
}
