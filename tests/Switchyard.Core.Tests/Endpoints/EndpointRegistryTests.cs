using Switchyard.Core.Configuration;
using Switchyard.Core.Endpoints;
using Switchyard.Core.Tests.Configuration;

namespace Switchyard.Core.Tests.Endpoints;

public class EndpointRegistryTests
{
    private const string Two = """
        model_providers:
          - model: openai/gpt-4o-mini
            access_key: sk-first-key-1234567890
          - model: anthropic/claude-sonnet-4-5
            access_key: sk-ant-second-key-0987654321
        """;

    [Fact]
    public void Build_NextSnapshotOfAnEqualConfig_KeepsEveryStateByCanonicalKeyNotIdentity()
    {
        var first = RuntimeSnapshot.Build(ConfigTestSupport.LoadValid(Two), 1);
        var second = RuntimeSnapshot.Build(ConfigTestSupport.LoadValid(Two), 2, first);

        for (var i = 0; i < 2; i++)
        {
            Assert.NotSame(first.Config.Providers[i], second.Config.Providers[i]);
            Assert.Same(first.Endpoints.For(first.Config.Providers[i]), second.Endpoints.For(second.Config.Providers[i]));
        }
    }

    [Theory]
    [InlineData("sk-first-key-1234567890", "sk-rotated-key-000000")]
    [InlineData("access_key: sk-first-key-1234567890", "access_key: sk-first-key-1234567890\n    base_url: http://127.0.0.1:9")]
    [InlineData("access_key: sk-first-key-1234567890", "access_key: sk-first-key-1234567890\n    headers: {x-team: a}")]
    public void Build_ChangedEntry_StartsFreshWhileTheOtherKeepsItsState(string from, string to)
    {
        var first = RuntimeSnapshot.Build(ConfigTestSupport.LoadValid(Two), 1);
        var second = RuntimeSnapshot.Build(ConfigTestSupport.LoadValid(Two.Replace(from, to, StringComparison.Ordinal)), 2, first);

        Assert.NotSame(first.Endpoints.For(first.Config.Providers[0]), second.Endpoints.For(second.Config.Providers[0]));
        Assert.Same(first.Endpoints.For(first.Config.Providers[1]), second.Endpoints.For(second.Config.Providers[1]));
    }

    [Fact]
    public void CanonicalKey_NeverHoldsTheCredential()
    {
        var config = ConfigTestSupport.LoadValid(Two);

        var key = EndpointRegistry.CanonicalKey(config.Providers[0]);

        Assert.DoesNotContain("sk-first-key", key, StringComparison.Ordinal);
        Assert.Contains("credential=", key, StringComparison.Ordinal);
    }

    [Fact]
    public void For_EntryOutsideTheConfig_GetsOneStateThatSurvivesTheNextSnapshot()
    {
        var first = RuntimeSnapshot.Build(ConfigTestSupport.LoadValid(Two), 1);
        var outside = first.Config.Providers[0] with { Name = "router", Model = "openai/router" };
        var state = first.Endpoints.For(outside);
        var second = RuntimeSnapshot.Build(ConfigTestSupport.LoadValid(Two), 2, first);

        Assert.Same(state, first.Endpoints.For(outside));
        Assert.Same(state, second.Endpoints.For(outside with { }));
    }

    [Fact]
    public void EndpointState_RecordsInFlightAveragesAndRecentOutcomes()
    {
        var state = new EndpointState("k", "e");
        state.Start();
        Assert.Equal(1, state.InFlight);
        state.RecordTimeToFirstToken(TimeSpan.FromSeconds(1));
        state.RecordTimeToFirstToken(TimeSpan.FromSeconds(2));
        state.RecordFailure(DateTimeOffset.UnixEpoch, 503, "503", credentialRefused: false);
        state.RecordSuccess(DateTimeOffset.UnixEpoch, 200);
        state.Finish();

        var s = state.Snapshot();
        Assert.Equal(0, s.InFlight);
        Assert.Equal(1.3, s.TimeToFirstTokenSeconds!.Value, 6); // 0.3 × 2 + 0.7 × 1
        Assert.Equal((1L, 1L, 0), (s.Successes, s.Failures, s.ConsecutiveFailures));
        Assert.Equal([false, true], s.Recent.Select(o => o.Success));
    }
}
