using System.Text;

namespace Switchyard.Functional.Tests.Infrastructure;

/// <summary>Reads a streamed response event by event, keeping the exact bytes.</summary>
internal sealed class SseClient(Stream stream)
{
    private readonly List<byte> _pending = [];
    private readonly MemoryStream _all = new();

    /// <summary>Every byte read so far.</summary>
    public byte[] AllBytes => _all.ToArray();

    /// <summary>The next complete event (up to and including its blank line), or null at end of stream.</summary>
    public async Task<string?> ReadEventAsync(CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(TestGateway.WaitLimit);
        var buffer = new byte[8192];
        while (true)
        {
            var end = FindBlankLine();
            if (end >= 0)
            {
                var ev = _pending.GetRange(0, end).ToArray();
                _pending.RemoveRange(0, end);
                return Encoding.UTF8.GetString(ev);
            }

            var n = await stream.ReadAsync(buffer, cts.Token);
            if (n == 0)
            {
                if (_pending.Count == 0)
                {
                    return null;
                }

                var rest = Encoding.UTF8.GetString(_pending.ToArray());
                _pending.Clear();
                return rest;
            }

            _all.Write(buffer, 0, n);
            _pending.AddRange(buffer.AsSpan(0, n));
        }
    }

    /// <summary>Reads every remaining event.</summary>
    public async Task<List<string>> ReadAllEventsAsync()
    {
        var events = new List<string>();
        for (var i = 0; i < 10_000; i++)
        {
            var ev = await ReadEventAsync();
            if (ev is null)
            {
                return events;
            }

            events.Add(ev);
        }

        throw new InvalidOperationException("stream did not end after 10000 events");
    }

    private int FindBlankLine()
    {
        for (var i = 0; i + 1 < _pending.Count; i++)
        {
            if (_pending[i] == (byte)'\n' && _pending[i + 1] == (byte)'\n')
            {
                return i + 2;
            }
        }

        return -1;
    }
}
