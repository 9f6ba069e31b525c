using Switchyard.Core.Configuration;
using Switchyard.Core.Endpoints;
using Switchyard.Core.Resilience;
using Switchyard.Core.Limits;

namespace Switchyard.Core.Tests.Resilience;

public class CircuitBreakerTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly CircuitBreakerSettings S = CircuitBreakerSettings.Default with { FailureThreshold = 3, Cooldown = TimeSpan.FromSeconds(30) };

    // Drives a breaker through the steps of one row and checks the state (and admission) after each.
    // Steps: F = upstream fault, K = credential refused, S = success, E = ask to enter (result in the expectation),
    // +N = N seconds pass, R = Retry-After 60 s. Expectation per step: the state (C/O/H/D) and, for E, A/P/X.
    [Theory]
    [InlineData("F F", "C C")] // under the threshold
    [InlineData("F F F", "C C O")] // threshold reached
    [InlineData("F F S F F", "C C C C C")] // a success resets the consecutive count
    [InlineData("F F F E", "C C O OX")] // open: skipped
    [InlineData("F F F +30 E E", "C C O O HP HX")] // cooldown over: exactly one probe
    [InlineData("F F F +30 E S E", "C C O O HP C CA")] // probe success closes
    [InlineData("F F F +30 E F E +30 E +30 E", "C C O O HP O OX O OX O HP")] // probe failure reopens for 2 × cooldown
    [InlineData("F F F +30 E +30 E", "C C O O HP H HP")] // a probe that never reported frees its slot after a cooldown
    [InlineData("K E", "D DX")] // credential refused: disabled at once
    [InlineData("K +299 E +1 E", "D D DX D HP")] // ... for key_cooldown (5 min)
    [InlineData("R E +60 E", "O OX O HP")] // Retry-After cools the endpoint for that long
    [InlineData("F F F F", "C C O O")] // a forced attempt failing while open keeps the cooldown
    public void Transitions(string steps, string expected)
    {
        var breaker = new CircuitBreaker();
        var now = T0;
        var consecutive = 0;
        var stepList = steps.Split(' ');
        var expectList = expected.Split(' ');
        Assert.Equal(stepList.Length, expectList.Length);
        for (var i = 0; i < stepList.Length; i++)
        {
            var step = stepList[i];
            string? admission = null;
            switch (step[0])
            {
                case 'F':
                    breaker.OnFailure(now, ++consecutive, 0, 0, credentialRefused: false, S);
                    break;
                case 'K':
                    breaker.OnFailure(now, ++consecutive, 0, 0, credentialRefused: true, S);
                    break;
                case 'S':
                    consecutive = 0;
                    breaker.OnSuccess(now);
                    break;
                case 'R':
                    breaker.CoolFor(now, TimeSpan.FromSeconds(60), S);
                    break;
                case '+':
                    now = now.AddSeconds(int.Parse(step[1..], System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case 'E':
                    admission = breaker.TryEnter(now, S) switch
                    {
                        BreakerAdmission.Allowed => "A",
                        BreakerAdmission.Probe => "P",
                        _ => "X",
                    };
                    break;
            }

            var state = breaker.State switch
            {
                BreakerState.Closed => "C",
                BreakerState.Open => "O",
                BreakerState.HalfOpen => "H",
                _ => "D",
            };
            Assert.True(state + admission == expectList[i], $"step {i + 1} '{step}' of '{steps}': expected {expectList[i]}, got {state}{admission}");
        }
    }

    [Theory]
    [InlineData(10, 5, false)] // 50 % is not over 50 %
    [InlineData(10, 6, true)]
    [InlineData(9, 9, false)] // fewer outcomes than the minimum: the rate rule waits
    public void ErrorRate_OverTheWindowOpens(int outcomes, int failures, bool opens)
    {
        var breaker = new CircuitBreaker();
        var state = breaker.OnFailure(T0, 1, outcomes, failures, credentialRefused: false, S with { FailureThreshold = 100 });
        Assert.Equal(opens ? BreakerState.Open : BreakerState.Closed, state);
    }

    [Fact]
    public void Disabled_NeverOpens_AndAReloadThatDisablesClosesAnOpenBreaker()
    {
        var breaker = new CircuitBreaker();
        var off = S with { Enabled = false };
        Assert.Equal(BreakerState.Closed, breaker.OnFailure(T0, 10, 0, 0, false, off));
        breaker.OnFailure(T0, 10, 0, 0, false, S);
        Assert.Equal(BreakerState.Open, breaker.State);
        Assert.Equal(BreakerAdmission.Allowed, breaker.TryEnter(T0, off));
        Assert.Equal(BreakerState.Closed, breaker.State);
    }

    [Theory]
    [InlineData(30, 1, 60)]
    [InlineData(30, 3, 240)]
    [InlineData(30, 10, 600)] // capped at 10 min
    [InlineData(900, 2, 900)] // a cooldown over the cap is kept as it is
    public void Backoff_DoublesUpToTheCap(int cooldown, int trips, int expected)
        => Assert.Equal(TimeSpan.FromSeconds(expected), CircuitBreaker.Backoff(TimeSpan.FromSeconds(cooldown), trips));

    [Fact]
    public void EndpointState_DrivesTheBreaker_FromItsRecordCalls()
    {
        var state = new EndpointState("k", "e") { Policy = EndpointPolicy.Default with { Breaker = S } };
        for (var i = 0; i < 3; i++)
        {
            state.RecordFailure(T0, 503, "503", credentialRefused: false);
        }

        Assert.Equal(BreakerState.Open, state.Breaker.State);
        Assert.Equal(T0 + S.Cooldown, state.Breaker.OpenUntil);
        Assert.Equal(BreakerAdmission.Probe, state.Breaker.TryEnter(T0 + S.Cooldown, S));
        state.RecordSuccess(T0 + S.Cooldown, 200);
        Assert.Equal(BreakerState.Closed, state.Breaker.State);
    }

    [Fact]
    public void EndpointState_ErrorRateCountsOnlyOutcomesInsideTheWindow()
    {
        var settings = S with { FailureThreshold = 100, ErrorRate = 0.5, Window = TimeSpan.FromSeconds(60) };
        var state = new EndpointState("k", "e") { Policy = EndpointPolicy.Default with { Breaker = settings } };
        for (var i = 0; i < 20; i++)
        {
            state.RecordFailure(T0, 503, "503", false); // old: outside the window later
            state.RecordSuccess(T0, 200);
        }

        var later = T0.AddMinutes(5);
        for (var i = 0; i < 5; i++)
        {
            state.RecordSuccess(later, 200);
        }

        for (var i = 0; i < 5; i++)
        {
            state.RecordFailure(later, 503, "503", false);
        }

        Assert.Equal(BreakerState.Closed, state.Breaker.State); // 5 of 10: not over 50 %
        state.RecordFailure(later, 503, "503", false);
        Assert.Equal(BreakerState.Open, state.Breaker.State); // 6 of 11
    }

    [Fact]
    public async Task Bulkhead_RefusesOverTheLimit_AndHandsAFreedSlotToTheWaiter()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T0);
        var bulkhead = new Bulkhead();
        Assert.True(bulkhead.TryEnter(1));
        Assert.False(bulkhead.TryEnter(1));
        var waiting = bulkhead.EnterAsync(1, TimeSpan.FromSeconds(5), time, CancellationToken.None).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.False(bulkhead.TryEnter(1)); // nobody jumps the queue
        bulkhead.Release();
        Assert.True(await waiting.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(1, bulkhead.Held);

        var timedOut = bulkhead.EnterAsync(1, TimeSpan.FromSeconds(5), time, CancellationToken.None).AsTask();
        time.Advance(TimeSpan.FromSeconds(5));
        Assert.False(await timedOut.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, bulkhead.Waiting);
        bulkhead.Release();
        Assert.Equal(0, bulkhead.Held);
        Assert.True(bulkhead.TryEnter(int.MaxValue));
    }
}

public class EndpointPolicyReloadTests
{
    private const string Yaml = """
        circuit_breaker: {failure_threshold: 2, cooldown: 30s}
        model_providers:
          - model: openai/gpt-4o
            access_key: k
        """;

    [Fact]
    public void Reload_KeepsTheBreakerStateOfAnUnchangedEndpoint_WhileItsSettingsFollowTheNewConfig()
    {
        var at = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var first = RuntimeSnapshot.Build(Configuration.ConfigTestSupport.LoadValid(Yaml), 1);
        var endpoint = first.Endpoints.For(first.Config.Providers[0]);
        endpoint.RecordFailure(at, 503, "503", false);
        endpoint.RecordFailure(at, 503, "503", false);
        Assert.Equal(BreakerState.Open, endpoint.Breaker.State);

        var second = RuntimeSnapshot.Build(Configuration.ConfigTestSupport.LoadValid(Yaml.Replace("cooldown: 30s", "cooldown: 90s", StringComparison.Ordinal)), 2, first);

        Assert.Same(endpoint, second.Endpoints.For(second.Config.Providers[0]));
        Assert.Equal(BreakerState.Open, endpoint.Breaker.State);
        Assert.Equal(TimeSpan.FromSeconds(90), endpoint.Policy.Breaker.Cooldown);
    }

    [Fact]
    public void Since_FollowsEachTransition()
    {
        var t0 = new DateTimeOffset(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
        var S = CircuitBreakerSettings.Default with { FailureThreshold = 3, Cooldown = TimeSpan.FromSeconds(30) };
        var breaker = new CircuitBreaker();
        Assert.Null(breaker.Since); // never opened

        for (var i = 1; i <= 3; i++)
        {
            breaker.OnFailure(t0, i, 0, 0, credentialRefused: false, S);
        }

        Assert.Equal((BreakerState.Open, t0), (breaker.State, breaker.Since));

        var probeAt = t0.AddSeconds(31);
        Assert.Equal(BreakerAdmission.Probe, breaker.TryEnter(probeAt, S));
        Assert.Equal((BreakerState.HalfOpen, probeAt), (breaker.State, breaker.Since));

        var closedAt = probeAt.AddSeconds(2);
        breaker.OnSuccess(closedAt);
        Assert.Equal((BreakerState.Closed, closedAt), (breaker.State, breaker.Since));

        breaker.OnSuccess(closedAt.AddSeconds(5)); // already closed: since stays
        Assert.Equal(closedAt, breaker.Since);
    }
}
