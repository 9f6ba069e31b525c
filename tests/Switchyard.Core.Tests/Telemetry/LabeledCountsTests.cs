using Switchyard.Core.Telemetry;

namespace Switchyard.Core.Tests.Telemetry;

/// <summary>The pre-aggregated counts behind the observable request and attempt counters.</summary>
public sealed class LabeledCountsTests
{
    [Fact]
    public void EqualValues_CountTogether_WhateverStringInstanceCarriesThem()
    {
        var counts = new LabeledCounts<RequestLabels>();
        var model = string.Concat("openai/", "gpt-5"); // not the literal's instance
        counts.Increment(new RequestLabels("openai_chat", "", "openai/gpt-5", 200));
        counts.Increment(new RequestLabels("openai_chat", "", model, 200));
        counts.Increment(new RequestLabels("openai_chat", "", "openai/gpt-5", 503));
        // Same length and same first, middle and last characters: the cheap hash collides, equality must not.
        counts.Increment(new RequestLabels("openai_chat", "", "openai/gpX-5", 200));

        Assert.Equal(2, counts.Get(new RequestLabels("openai_chat", "", "openai/gpt-5", 200)));
        Assert.Equal(1, counts.Get(new RequestLabels("openai_chat", "", "openai/gpt-5", 503)));
        Assert.Equal(1, counts.Get(new RequestLabels("openai_chat", "", "openai/gpX-5", 200)));
        Assert.Equal(0, counts.Get(new RequestLabels("anthropic_messages", "", "openai/gpt-5", 200)));
        var measured = counts.Measurements(k => new System.Diagnostics.TagList { { "model", k.Model }, { "status", k.Status } }).ToList();
        Assert.Equal(3, measured.Count);
        Assert.Equal(4, measured.Sum(m => m.Value));
    }

    [Fact]
    public async Task ConcurrentIncrements_AreAllCounted()
    {
        var counts = new LabeledCounts<AttemptLabels>();
        var labels = new[] { new AttemptLabels("a", "openai", "ok"), new AttemptLabels("b", "openai", "ok"), new AttemptLabels("a", "openai", "timeout") };
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 30_000; i++)
            {
                counts.Increment(labels[i % 3]);
            }
        })));

        Assert.All(labels, l => Assert.Equal(40_000, counts.Get(l)));
    }

    [Fact]
    public async Task Sums_AddEveryAmount_UnderContention()
    {
        var sums = new LabeledSums();
        await Task.WhenAll(Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                sums.Add(i % 2 == 0 ? "a" : string.Concat("b", ""), 0.25);
            }
        })));

        Assert.Equal(10_000, sums.Get("a")); // 4 × 10,000 × 0.25, exact in binary
        Assert.Equal(10_000, sums.Get("b"));
        Assert.Equal(2, sums.Measurements("model").Count());
    }
}
