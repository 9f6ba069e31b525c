using Switchyard.Protocols.EventStream;

namespace Switchyard.Protocols.Tests.EventStream;

/// <summary>Feeds bytes to <see cref="EventStreamReader"/> in arbitrary chunks, the way a network read would.</summary>
internal sealed class EventStreamFeeder
{
    private byte[] _pending = new byte[256];
    private int _count;

    public List<EventStreamMessage> Messages { get; } = [];

    public int Pending => _count;

    public void Append(ReadOnlySpan<byte> chunk)
    {
        if (_count + chunk.Length > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Max(_pending.Length * 2, _count + chunk.Length));
        }

        chunk.CopyTo(_pending.AsSpan(_count));
        _count += chunk.Length;
        var offset = 0;
        while (EventStreamReader.TryRead(_pending.AsSpan(offset, _count - offset), out var message, out var consumed))
        {
            Messages.Add(message!);
            offset += consumed;
        }

        _pending.AsSpan(offset, _count - offset).CopyTo(_pending);
        _count -= offset;
    }

    public static List<EventStreamMessage> DecodeAll(byte[] bytes, out int left)
    {
        var feeder = new EventStreamFeeder();
        feeder.Append(bytes);
        left = feeder.Pending;
        return feeder.Messages;
    }
}
