using System.Buffers;
using System.Text.Json;
using Switchyard.Core.Providers;

namespace Switchyard.Core.Translation.Passthrough;

/// <summary>
/// Finds the top-level usage object (and model) of a JSON body fed chunk by chunk, without holding the body: a
/// <see cref="Utf8JsonReader"/> runs over each chunk with <c>isFinalBlock: false</c>, its <see cref="JsonReaderState"/>
/// carried over, and only the unfinished token at a chunk's end is kept (the carry).
/// </summary>
/// <remarks>
/// <para>The reader needs a whole token in one buffer, which a multi-megabyte string (a base64 image, a long answer)
/// would defeat. So when the unfinished token is a string already <see cref="SkipStringAfter"/> bytes long — longer
/// than any member name or value the tap wants — the scanner keeps only its opening quote, finds the closing quote
/// itself (minding backslash escapes, across chunks), drops everything between, and hands the reader an empty
/// string <c>""</c> in its place. The reader's grammar state is unaffected: a string token is a string token.</para>
/// <para>The usage object itself is read whole (it is small): when its <c>{</c> is reached the scanner skips to its
/// end; if the end is not in hand yet, the reader is rewound to before the <c>{</c> and the object carried until it
/// is complete. A carry beyond <see cref="UsageTap.MaxCarryBytes"/>, or malformed JSON, stops the scanner (the body
/// is relayed regardless).</para>
/// <para>To avoid copying every chunk behind the carry, the carry is completed with small slices of the next chunk
/// (the bridge) until the reader is past it; the rest of the chunk is read where it lies.</para>
/// </remarks>
internal sealed class JsonBodyUsageScanner(UsageTap owner)
{
    /// <summary>An unfinished string this long is skipped instead of carried.</summary>
    internal const int SkipStringAfter = 256;

    private const int BridgeStep = 256;

    private static readonly SearchValues<byte> BetweenTokens = SearchValues.Create(" \t\r\n,:"u8);

    private enum Pending : byte { None, Usage, Model }

    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = 256 });
    private byte[] _carry = [];
    private int _carryLength;
    private bool _skipping;
    private bool _escaped;
    private Pending _pending;
    private bool _rootSeen;
    private bool _rootIsArray;
    private int _targetDepth = -1;
    private bool _usageTaken;
    private bool _done;
    private int _bomMatched; // bytes of a leading UTF-8 byte order mark seen so far; 3 once settled

    /// <summary>True after the scanner gave up (malformed JSON, oversized token).</summary>
    public bool Stopped { get; private set; }

    /// <summary>The carry buffer's size: stays small whatever the body holds (tests check it).</summary>
    internal int CarryCapacity => _carry.Length;

    public void Feed(ReadOnlySpan<byte> chunk)
    {
        if (_done || Stopped)
        {
            return;
        }

        try
        {
            if (_bomMatched < 3)
            {
                chunk = SkipByteOrderMark(chunk);
            }

            FeedCore(chunk);
        }
        catch (JsonException)
        {
            Stop();
        }
    }

    /// <summary>The body ended: nothing more can complete a carried token.</summary>
    public void Finish()
    {
        _done = true;
        Release();
    }

    // Utf8JsonReader rejects a byte order mark, which some servers put before a JSON body; it may arrive split.
    private ReadOnlySpan<byte> SkipByteOrderMark(ReadOnlySpan<byte> chunk)
    {
        ReadOnlySpan<byte> bom = [0xEF, 0xBB, 0xBF];
        while (_bomMatched < 3 && !chunk.IsEmpty)
        {
            if (chunk[0] != bom[_bomMatched])
            {
                if (_bomMatched > 0)
                {
                    Stop(); // half a mark: not UTF-8 JSON
                    return default;
                }

                _bomMatched = 3;
                break;
            }

            _bomMatched++;
            chunk = chunk[1..];
        }

        return chunk;
    }

    private void FeedCore(ReadOnlySpan<byte> chunk)
    {
        var rest = chunk;
        while (!rest.IsEmpty && !_done && !Stopped)
        {
            if (_skipping)
            {
                var end = SkipString(rest);
                if (end < 0)
                {
                    return;
                }

                Append("\""u8);
                _skipping = false;
                rest = rest[end..];
                continue;
            }

            if (_carryLength == 0)
            {
                var stall = Run(rest);
                if (_done || Stopped)
                {
                    return;
                }

                if (LongStringAt(rest, stall) is var quote and >= 0)
                {
                    _carryLength = 0;
                    Append(rest[stall..(quote + 1)]);
                    StartSkipping();
                    rest = rest[(quote + 1)..];
                    continue;
                }

                _carryLength = 0;
                Append(rest[stall..]);
                return;
            }

            rest = Bridge(rest);
        }
    }

    // Completes the carried token with slices of the chunk; returns what of the chunk is left to read directly.
    private ReadOnlySpan<byte> Bridge(ReadOnlySpan<byte> rest)
    {
        var take = Math.Min(rest.Length, BridgeStep);
        while (true)
        {
            var old = _carryLength;
            Append(rest[..take]);
            var data = _carry.AsSpan(0, _carryLength);
            var stall = Run(data);
            if (_done || Stopped)
            {
                return default;
            }

            if (stall >= old)
            {
                // Past the carry: the rest of the chunk is read in place.
                _carryLength = 0;
                return rest[(stall - old)..];
            }

            if (LongStringAt(data, stall) is var quote and >= 0)
            {
                StartSkipping();
                if (SkipString(data[(quote + 1)..]) >= 0)
                {
                    // The reader stopped inside this string, so its closing quote cannot be in hand.
                    Stop();
                    return default;
                }

                data[stall..(quote + 1)].CopyTo(_carry);
                _carryLength = quote + 1 - stall;
                return rest[take..];
            }

            data[stall..].CopyTo(_carry);
            _carryLength = data.Length - stall;
            rest = rest[take..];
            if (_carryLength > UsageTap.MaxCarryBytes)
            {
                Stop();
                return default;
            }

            if (rest.IsEmpty)
            {
                return default;
            }

            take = Math.Min(rest.Length, take * 2);
        }
    }

    // Reads tokens from the saved state until the data runs out; returns how many bytes were consumed.
    private int Run(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data, isFinalBlock: false, _state);
        while (true)
        {
            // The state to rewind to is only needed before the usage object itself: taking it costs per token.
            var before = _pending == Pending.Usage ? reader.CurrentState : default;
            var beforeConsumed = reader.BytesConsumed;
            if (!reader.Read())
            {
                break;
            }

            switch (reader.TokenType)
            {
                case JsonTokenType.StartObject when _pending == Pending.Usage:
                    var start = (int)reader.TokenStartIndex;
                    if (!reader.TrySkip())
                    {
                        // Rewind to before the '{' and carry the object until it is whole.
                        _state = before;
                        return (int)beforeConsumed;
                    }

                    _pending = Pending.None;
                    owner.ApplyBodyUsage(data[start..(int)reader.BytesConsumed]);
                    if (!_rootIsArray)
                    {
                        _usageTaken = true;
                        _done = !owner.HasModelMember || owner.Model is not null;
                    }

                    break;
                case JsonTokenType.String when _pending == Pending.Model:
                    _pending = Pending.None;
                    owner.OfferModel(ref reader);
                    _done = _usageTaken;
                    break;
                case JsonTokenType.PropertyName:
                    _pending = Pending.None;
                    if (reader.CurrentDepth == _targetDepth)
                    {
                        if (!_usageTaken && reader.ValueTextEquals(owner.UsageMember))
                        {
                            _pending = Pending.Usage;
                        }
                        else if (owner.HasModelMember && owner.Model is null && reader.ValueTextEquals(owner.ModelMember))
                        {
                            _pending = Pending.Model;
                        }
                    }

                    break;
                case JsonTokenType.StartObject or JsonTokenType.StartArray when !_rootSeen:
                    // Usage sits in the top-level object; Gemini may answer with an array of chunks, each with its own.
                    _rootSeen = true;
                    _rootIsArray = reader.TokenType == JsonTokenType.StartArray;
                    _targetDepth = !_rootIsArray ? 1 : owner.Protocol == UpstreamProtocol.Gemini ? 2 : -1;
                    break;
                default:
                    _pending = Pending.None;
                    break;
            }

            if (_done)
            {
                Release();
                return data.Length;
            }
        }

        _state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    // The index of the opening quote when the unread token at `stall` is a string already too long to be wanted, or -1.
    private static int LongStringAt(ReadOnlySpan<byte> data, int stall)
    {
        var tail = data[stall..];
        var first = tail.IndexOfAnyExcept(BetweenTokens);
        return first >= 0 && tail[first] == (byte)'"' && tail.Length - first >= SkipStringAfter ? stall + first : -1;
    }

    private void StartSkipping()
    {
        _skipping = true;
        _escaped = false;
    }

    // Scans string content for the closing quote; returns the index just past it, or -1 when it is not in `s`.
    private int SkipString(ReadOnlySpan<byte> s)
    {
        var i = 0;
        if (_escaped)
        {
            if (s.IsEmpty)
            {
                return -1;
            }

            _escaped = false;
            i = 1;
        }

        while (i < s.Length)
        {
            var j = s[i..].IndexOfAny((byte)'"', (byte)'\\');
            if (j < 0)
            {
                return -1;
            }

            i += j;
            if (s[i] == (byte)'"')
            {
                return i + 1;
            }

            if (i + 1 >= s.Length)
            {
                _escaped = true; // the escaped byte is the next chunk's first
                return -1;
            }

            i += 2;
        }

        return -1;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        var needed = _carryLength + bytes.Length;
        if (needed > _carry.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(1024, _carry.Length * 2)));
            _carry.AsSpan(0, _carryLength).CopyTo(larger);
            if (_carry.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_carry);
            }

            _carry = larger;
        }

        bytes.CopyTo(_carry.AsSpan(_carryLength));
        _carryLength = needed;
    }

    private void Stop()
    {
        Stopped = true;
        Release();
    }

    private void Release()
    {
        _carryLength = 0;
        if (_carry.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_carry);
            _carry = [];
        }
    }
}
