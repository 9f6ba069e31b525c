using Switchyard.Core.Configuration;
using static Switchyard.Core.Tests.Configuration.ConfigTestSupport;

namespace Switchyard.Core.Tests.Configuration;

public class ListenerTests
{
    [Fact]
    public void Parse_NoListenersSection_UsesDefaultListener()
    {
        var config = LoadValid(MinimalProviders);

        var l = Assert.Single(config.Listeners);
        Assert.Equal(("llm", "127.0.0.1", 12000, 0), (l.Name, l.Address, l.Port, l.MaxRetries));
        Assert.Equal(TimeSpan.FromSeconds(30), l.FirstByteTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), l.StreamIdleTimeout);
    }

    [Fact]
    public void Parse_ListForm_ReadsAllFields()
    {
        var config = LoadValid("""
            listeners:
              - name: public
                type: model
                address: 0.0.0.0
                port: 8080
                timeout: 500ms
                stream_idle_timeout: 2m
                max_retries: 3
            """ + "\n" + MinimalProviders);

        var l = Assert.Single(config.Listeners);
        Assert.Equal(("public", "0.0.0.0", 8080, 3, 2), (l.Name, l.Address, l.Port, l.MaxRetries, l.Line));
        Assert.Equal(TimeSpan.FromMilliseconds(500), l.FirstByteTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), l.StreamIdleTimeout);
    }

    [Fact]
    public void Parse_LegacyDictForm_ReadsEgressTrafficWithLegacyName()
    {
        var config = LoadValid("""
            listeners:
              egress_traffic:
                address: 0.0.0.0
                port: 10000
                message_format: openai
                timeout: 1h
            """ + "\n" + MinimalProviders);

        var l = Assert.Single(config.Listeners);
        Assert.Equal(("egress_traffic", "0.0.0.0", 10000, "openai"), (l.Name, l.Address, l.Port, l.MessageFormat));
        Assert.Equal(TimeSpan.FromHours(1), l.FirstByteTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), l.StreamIdleTimeout);
    }

    [Fact]
    public void Parse_LegacyIngressTraffic_WarnsIgnored()
    {
        var result = Load("""
            listeners:
              ingress_traffic:
                port: 10000
              egress_traffic:
                port: 12000
            """ + "\n" + MinimalProviders);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var w = Assert.Single(result.Warnings);
        AssertAt(w, "listeners.ingress_traffic", 2);
        Assert.Single(result.Config!.Listeners);
    }

    [Fact]
    public void Parse_NonModelListener_WarnsAndIgnores()
    {
        var result = Load("""
            listeners:
              - name: agents
                type: agent
                port: 8001
              - name: llm
                type: model
                port: 12000
            """ + "\n" + MinimalProviders);

        Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        var w = Assert.Single(result.Warnings);
        AssertAt(w, "listeners[0].type", 3);
        Assert.Contains("only type: model", w.Message);
        Assert.Equal("llm", Assert.Single(result.Config!.Listeners).Name);
    }

    [Theory]
    [InlineData("port: 0", "listeners[0].port")]
    [InlineData("port: 65536", "listeners[0].port")]
    [InlineData("port: http", "listeners[0].port")]
    [InlineData("max_retries: 11", "listeners[0].max_retries")]
    [InlineData("max_retries: -1", "listeners[0].max_retries")]
    [InlineData("timeout: 0s", "listeners[0].timeout")]
    [InlineData("timeout: -5", "listeners[0].timeout")]
    [InlineData("timeout: soon", "listeners[0].timeout")]
    [InlineData("stream_idle_timeout: 10x", "listeners[0].stream_idle_timeout")]
    [InlineData("type: modle", "listeners[0].type")]
    public void Parse_InvalidListenerValue_ErrorAtPathAndLine(string field, string path)
    {
        var d = SingleError($"""
            listeners:
              - name: llm
                {field}
            """ + "\n" + MinimalProviders);

        AssertAt(d, path, 3);
    }

    [Fact]
    public void Parse_TwoListenersSameAddressAndPort_Error()
    {
        var d = SingleError("""
            listeners:
              - name: a
                type: model
                port: 9000
              - name: b
                type: model
                port: 9000
            """ + "\n" + MinimalProviders);

        AssertAt(d, "listeners[1].port", 7);
        Assert.Contains("'a'", d.Message);
    }

    [Fact]
    public void Parse_SamePortDifferentAddress_IsValid()
    {
        var config = LoadValid("""
            listeners:
              - name: a
                port: 9000
              - name: b
                address: 0.0.0.0
                port: 9000
            """ + "\n" + MinimalProviders);

        Assert.Equal(2, config.Listeners.Count);
    }

    [Fact]
    public void Parse_UnknownListenerKey_ErrorWithHint()
    {
        var d = SingleError("""
            listeners:
              - name: llm
                prot: 9000
            """ + "\n" + MinimalProviders);

        AssertAt(d, "listeners[0].prot", 3);
        Assert.Contains("did you mean 'port'?", d.Message);
    }

    [Fact]
    public void Parse_UnknownLegacySection_ErrorWithHint()
    {
        var d = SingleError("""
            listeners:
              egres_traffic:
                port: 9000
            """ + "\n" + MinimalProviders);

        AssertAt(d, "listeners.egres_traffic", 2);
        Assert.Contains("did you mean 'egress_traffic'?", d.Message);
    }

    [Fact]
    public void Parse_SplitTimeouts_ReadEachAndDefaultTheRest()
    {
        var config = LoadValid("""
            listeners:
              - name: llm
                type: model
                port: 12000
                first_byte_timeout: 5s
                connect_timeout: 2s
                request_timeout: 20m
                max_event_bytes: 65536
            """ + "\n" + MinimalProviders);

        var l = Assert.Single(config.Listeners);
        Assert.Equal(TimeSpan.FromSeconds(5), l.FirstByteTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), l.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMinutes(20), l.RequestTimeout);
        Assert.Equal(65536, l.MaxEventBytes);
        Assert.Equal(TimeSpan.FromSeconds(60), l.StreamIdleTimeout);
    }

    [Fact]
    public void Parse_NoTimeouts_DefaultsAreTenSecondConnectAndTenMinuteRequest()
    {
        var l = Assert.Single(LoadValid(MinimalProviders).Listeners);

        Assert.Equal(TimeSpan.FromSeconds(10), l.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMinutes(10), l.RequestTimeout);
        Assert.Equal(16 * 1024 * 1024, l.MaxEventBytes);
    }

    [Fact]
    public void Parse_TimeoutAndFirstByteTimeoutBoth_IsAnError()
    {
        var d = SingleError("""
            listeners:
              - name: llm
                type: model
                timeout: 5s
                first_byte_timeout: 6s
            """ + "\n" + MinimalProviders);

        Assert.Contains("same setting", d.Message);
    }

    [Fact]
    public void Parse_EntryTimeouts_OverrideTheListenerPerEntry()
    {
        var config = LoadValid("""
            listeners:
              - name: llm
                type: model
                timeout: 5s
            model_providers:
              - model: openai/o3-pro
                access_key: k
                first_byte_timeout: 2m
                request_timeout: 30m
              - model: openai/gpt-4o-mini
                access_key: k
            """);

        var listener = config.Listeners[0];
        var slow = UpstreamTimeouts.For(listener, config.Providers[0]);
        var plain = UpstreamTimeouts.For(listener, config.Providers[1]);
        Assert.Equal((TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(30)), (slow.FirstByte, slow.Request));
        Assert.Equal((TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(10)), (plain.FirstByte, plain.Request, plain.Connect));
    }
}
