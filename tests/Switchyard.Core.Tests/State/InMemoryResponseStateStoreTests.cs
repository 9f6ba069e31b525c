using Switchyard.Core.Ir;
using Switchyard.Core.State;

namespace Switchyard.Core.Tests.State;

public class InMemoryResponseStateStoreTests
{
    private sealed class FakeTime(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static readonly StoredConversation Conversation = new([new IrTextPart("sys")], [new IrMessage(IrRole.User, [new IrTextPart("hi")])]);

    [Fact]
    public void TryGet_StoredEntry_ReturnsSameConversation()
    {
        var store = new InMemoryResponseStateStore();
        store.Put("resp_1", Conversation);

        Assert.True(store.TryGet("resp_1", out var found));
        Assert.Same(Conversation, found);
        Assert.False(store.TryGet("resp_2", out var missing));
        Assert.Null(missing);
    }

    [Fact]
    public void TryGet_AfterTimeToLive_IsGone()
    {
        var time = new FakeTime(DateTimeOffset.UnixEpoch);
        var store = new InMemoryResponseStateStore(time, TimeSpan.FromMinutes(10));
        store.Put("resp_1", Conversation);

        time.Now += TimeSpan.FromMinutes(9);
        Assert.True(store.TryGet("resp_1", out _));
        time.Now += TimeSpan.FromMinutes(1);
        Assert.False(store.TryGet("resp_1", out _));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public void DefaultTimeToLive_IsOneHour()
    {
        var time = new FakeTime(DateTimeOffset.UnixEpoch);
        var store = new InMemoryResponseStateStore(time);
        store.Put("resp_1", Conversation);

        time.Now += TimeSpan.FromMinutes(59);
        Assert.True(store.TryGet("resp_1", out _));
        time.Now += TimeSpan.FromMinutes(1);
        Assert.False(store.TryGet("resp_1", out _));
        Assert.Equal(10_000, store.MaxEntries);
    }

    [Fact]
    public void Put_BeyondCap_EvictsLeastRecentlyUsed()
    {
        var store = new InMemoryResponseStateStore(maxEntries: 2);
        store.Put("a", Conversation);
        store.Put("b", Conversation);
        Assert.True(store.TryGet("a", out _)); // "b" is now the least recently used

        store.Put("c", Conversation);

        Assert.Equal(2, store.Count);
        Assert.True(store.TryGet("a", out _));
        Assert.False(store.TryGet("b", out _));
        Assert.True(store.TryGet("c", out _));
    }

    [Fact]
    public void Put_SweepsExpiredEntriesAtTheColdEnd()
    {
        var time = new FakeTime(DateTimeOffset.UnixEpoch);
        var store = new InMemoryResponseStateStore(time, TimeSpan.FromMinutes(1));
        store.Put("old", Conversation);
        time.Now += TimeSpan.FromMinutes(2);

        store.Put("new", Conversation);

        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void Put_SameIdTwice_ReplacesWithoutGrowing()
    {
        var store = new InMemoryResponseStateStore(maxEntries: 5);
        var other = Conversation with { System = [] };
        store.Put("a", Conversation);
        store.Put("a", other);

        Assert.Equal(1, store.Count);
        Assert.True(store.TryGet("a", out var found));
        Assert.Same(other, found);
    }

    [Fact]
    public void PutAndTryGet_Concurrently_StayWithinCap()
    {
        var store = new InMemoryResponseStateStore(maxEntries: 100);
        Parallel.For(0, 5_000, i =>
        {
            store.Put("r" + i, Conversation);
            store.TryGet("r" + (i / 2), out _);
        });

        // Parallel.For finishes indices in no particular order, so which 100 survive is not fixed; the cap is, and the
        // store still works as an LRU afterwards.
        Assert.Equal(100, store.Count);
        store.Put("after", Conversation);
        Assert.True(store.TryGet("after", out _));
        Assert.Equal(100, store.Count);
    }
    /// <summary>A conversation of one user turn whose text is <paramref name="chars"/> characters (≈ 2 bytes each).</summary>
    private static StoredConversation OfChars(int chars)
        => new([], [new IrMessage(IrRole.User, [new IrTextPart(new string('x', chars))])]);

    [Fact]
    public void Put_BeyondByteBudget_EvictsLeastRecentlyUsedUntilWithin()
    {
        var store = new InMemoryResponseStateStore(maxBytes: 5_000, maxEntryBytes: 5_000);
        store.Put("a", OfChars(1_000)); // ≈ 2 KB each
        store.Put("b", OfChars(1_000));
        Assert.True(store.TryGet("a", out _)); // "b" is now the least recently used

        store.Put("c", OfChars(1_000));

        Assert.Equal(2, store.Count);
        Assert.True(store.Bytes <= store.MaxBytes);
        Assert.True(store.TryGet("a", out _));
        Assert.False(store.TryGet("b", out _));
        Assert.True(store.TryGet("c", out _));
    }

    [Fact]
    public void Put_ConversationOverEntryCap_NotStoredAndOlderValueUnderIdDropped()
    {
        var store = new InMemoryResponseStateStore(maxBytes: 100_000, maxEntryBytes: 10_000);
        store.Put("small", OfChars(100));
        store.Put("big", OfChars(100));

        store.Put("big", OfChars(10_000)); // ≈ 20 KB

        Assert.False(store.TryGet("big", out _));
        Assert.True(store.TryGet("small", out _));
        Assert.Equal(1, store.Count);
    }

    [Fact]
    public void Put_ReplaceAndEvict_ByteCountFollowsWhatIsHeld()
    {
        var store = new InMemoryResponseStateStore(maxEntries: 1);
        store.Put("a", OfChars(1_000));
        var one = store.Bytes;

        store.Put("a", OfChars(1_000));
        Assert.Equal(one, store.Bytes);
        store.Put("b", OfChars(1_000)); // evicts "a" by count

        Assert.Equal(one, store.Bytes);
        Assert.True(one >= 2_000);
    }

    [Fact]
    public void EstimateBytes_CountsImageDataToolArgumentsAndUnknownRawJson()
    {
        using var doc = System.Text.Json.JsonDocument.Parse("{\"type\":\"custom\",\"blob\":\"" + new string('z', 3_000) + "\"}");
        var conversation = new StoredConversation([], [
            new IrMessage(IrRole.User, [new IrImagePart { Base64 = new string('i', 4_000), MediaType = "image/png" }]),
            new IrMessage(IrRole.Assistant, [new IrToolCallPart("c1", "f", new string('a', 1_000)), new IrUnknownPart("anthropic", "custom", doc.RootElement)]),
        ]);

        var bytes = InMemoryResponseStateStore.EstimateBytes(conversation);

        Assert.InRange(bytes, (2 * 4_000) + (2 * 1_000) + 3_000, 20_000);
    }

    [Fact]
    public void Defaults_AreDocumented64MiBTotalAnd8MiBPerConversation()
    {
        var store = new InMemoryResponseStateStore();

        Assert.Equal(64L * 1024 * 1024, store.MaxBytes);
        Assert.Equal(8L * 1024 * 1024, store.MaxEntryBytes);
    }
}
