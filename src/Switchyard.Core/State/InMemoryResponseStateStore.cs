using System.Runtime.InteropServices;
using System.Text.Json;
using Switchyard.Core.Ir;

namespace Switchyard.Core.State;

/// <summary>
/// Process-local <see cref="IResponseStateStore"/>: entries expire <see cref="TimeToLive"/> after they were stored,
/// and beyond <see cref="MaxEntries"/> entries or <see cref="MaxBytes"/> (estimated) bytes the least recently used
/// entries are evicted, so memory stays bounded however many — and however large — conversations clients send. A
/// conversation estimated over <see cref="MaxEntryBytes"/> is not stored (a later <c>previous_response_id</c> naming
/// it gets the usual not-found error).
/// </summary>
public sealed class InMemoryResponseStateStore : IResponseStateStore
{
    /// <summary>Default cap on all stored conversations: 64 MiB.</summary>
    public const long DefaultMaxBytes = 64L * 1024 * 1024;

    /// <summary>Default cap on one stored conversation: 8 MiB.</summary>
    public const long DefaultMaxEntryBytes = 8L * 1024 * 1024;

    // Rough per-object overhead (headers, list slots, record fields) so many tiny parts still count.
    private const long ObjectOverhead = 48;

    private readonly ExpiringLruCache<StoredConversation> _cache;

    /// <summary>
    /// Creates a store; <paramref name="timeToLive"/> defaults to one hour, <paramref name="maxEntries"/> to 10,000,
    /// <paramref name="maxBytes"/> to <see cref="DefaultMaxBytes"/>, <paramref name="maxEntryBytes"/> to <see cref="DefaultMaxEntryBytes"/>.
    /// </summary>
    public InMemoryResponseStateStore(TimeProvider? time = null, TimeSpan? timeToLive = null, int maxEntries = 10_000,
        long maxBytes = DefaultMaxBytes, long maxEntryBytes = DefaultMaxEntryBytes)
        => _cache = new ExpiringLruCache<StoredConversation>(time, timeToLive ?? TimeSpan.FromHours(1), maxEntries, EstimateBytes, maxBytes, maxEntryBytes);

    /// <summary>A shared store with the defaults, used by the default Responses codec.</summary>
    public static InMemoryResponseStateStore Shared { get; } = new();

    /// <summary>How long an entry lives after it was stored.</summary>
    public TimeSpan TimeToLive => _cache.TimeToLive;

    /// <summary>The most entries kept; the least recently used one goes first.</summary>
    public int MaxEntries => _cache.MaxEntries;

    /// <summary>Cap on the estimated bytes of all entries.</summary>
    public long MaxBytes => _cache.MaxBytes;

    /// <summary>Largest estimated size of one stored conversation.</summary>
    public long MaxEntryBytes => _cache.MaxEntryBytes;

    /// <summary>Entries currently held (expired ones not yet swept included).</summary>
    public int Count => _cache.Count;

    /// <summary>Estimated bytes currently held.</summary>
    public long Bytes => _cache.Bytes;

    /// <inheritdoc />
    public bool TryGet(string id, out StoredConversation? conversation) => _cache.TryGet(id, out conversation);

    /// <inheritdoc />
    public void Put(string id, StoredConversation conversation) => _cache.Set(id, conversation);

    /// <summary>
    /// The memory a conversation holds, estimated: two bytes a character of every string (text, image data, tool
    /// arguments, signatures), the raw JSON of unknown parts and cache hints, and a fixed overhead per object. A chain
    /// of turns shares its earlier parts between entries; each entry counts them again, erring on the safe side.
    /// </summary>
    internal static long EstimateBytes(StoredConversation conversation)
    {
        var bytes = ObjectOverhead;
        foreach (var part in conversation.System)
        {
            bytes += Part(part);
        }

        foreach (var message in conversation.Messages)
        {
            bytes += ObjectOverhead + Chars(message.Name);
            foreach (var part in message.Parts)
            {
                bytes += Part(part);
            }
        }

        return bytes;
    }

    private static long Part(IrPart part) => ObjectOverhead + part switch
    {
        IrTextPart t => Chars(t.Text) + Raw(t.CacheControl),
        IrImagePart i => Chars(i.Url) + Chars(i.Base64) + Chars(i.MediaType) + Chars(i.Detail) + Raw(i.CacheControl),
        IrToolCallPart c => Chars(c.Id) + Chars(c.Name) + Chars(c.ArgumentsJson),
        IrToolResultPart r => Chars(r.ToolCallId) + Chars(r.Name) + Raw(r.CacheControl) + Parts(r.Content),
        IrThinkingPart k => Chars(k.Text) + Chars(k.Signature),
        IrRedactedThinkingPart d => Chars(d.Data),
        IrUnknownPart u => Chars(u.Protocol) + Chars(u.Type) + Raw(u.Raw),
        _ => 0,
    };

    private static long Parts(IReadOnlyList<IrPart> parts)
    {
        long bytes = 0;
        foreach (var part in parts)
        {
            bytes += Part(part);
        }

        return bytes;
    }

    private static long Chars(string? s) => s is null ? 0 : 2L * s.Length;

    private static long Raw(JsonElement? element) => element is { } e ? Raw(e) : 0;

    private static long Raw(JsonElement element)
    {
        try
        {
            return element.ValueKind == JsonValueKind.Undefined ? 0 : JsonMarshal.GetRawUtf8Value(element).Length;
        }
        catch (ObjectDisposedException)
        {
            return 0; // its document is gone, and with it the memory
        }
    }
}
