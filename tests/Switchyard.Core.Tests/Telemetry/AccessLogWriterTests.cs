using System.Text;
using System.Text.Json;
using Switchyard.Core.Configuration;
using Switchyard.Core.Ir;
using Switchyard.Core.Telemetry;

namespace Switchyard.Core.Tests.Telemetry;

/// <summary>The access log's writer: stdout by default, drops counted (never waited for), files rotated by size.</summary>
public sealed class AccessLogWriterTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "switchyard-accesslog-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static RequestRecord Record(int status = 200) => new()
    {
        Protocol = "openai_chat",
        RequestedModel = "m",
        Status = status,
        RequestId = "r1",
        Usage = new IrUsage { InputTokens = 1, OutputTokens = 2 },
        Ended = System.Diagnostics.Stopwatch.GetTimestamp(),
    };

    [Fact]
    public async Task Default_OneJsonLinePerRecord_OnStdout()
    {
        var stdout = new StringWriter();
        var log = new AccessLog(stdout: () => stdout);
        log.Write(Record(), AccessLogSettings.Default);
        log.Write(Record(503), AccessLogSettings.Default);
        await log.DisposeAsync();

        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Equal([200, 503], lines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("status").GetInt32()));
        var e = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal(("r1", "m", 1, 2, "unknown"), (e.GetProperty("request_id").GetString(), e.GetProperty("requested_model").GetString(),
            e.GetProperty("input_tokens").GetInt32(), e.GetProperty("output_tokens").GetInt32(), e.GetProperty("cost_usd").GetString()));
        Assert.Equal(0, e.GetProperty("attempts").GetArrayLength());
    }

    [Fact]
    public async Task Disabled_WritesNothing()
    {
        var stdout = new StringWriter();
        var log = new AccessLog(stdout: () => stdout);
        log.Write(Record(), AccessLogSettings.Default with { Enabled = false });
        await log.DisposeAsync();

        Assert.Equal("", stdout.ToString());
    }

    [Fact]
    public async Task QueueFull_RecordsAreDroppedAndCounted_NeverWaitedFor()
    {
        using var gate = new ManualResetEventSlim(false);
        var sink = new BlockingWriter(gate);
        var log = new AccessLog(stdout: () => sink);
        const int total = AccessLog.Capacity * 2;
        var started = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < total; i++)
        {
            log.Write(Record(), AccessLogSettings.Default); // the writer is stuck on the sink: the queue fills up
        }

        var enqueueTime = started.Elapsed;
        Assert.True(log.Dropped >= AccessLog.Capacity / 2, $"dropped {log.Dropped}");
        Assert.True(enqueueTime < TimeSpan.FromSeconds(5), $"enqueueing took {enqueueTime}");
        gate.Set();
        await log.DisposeAsync();

        Assert.Equal(total, log.Written + log.Dropped);
        Assert.Equal(log.Written, sink.Text.Count(c => c == '\n'));
    }

    [Fact]
    public async Task File_RotatedBySize_OldestDropped()
    {
        var path = Path.Combine(_dir, "logs", "access.log");
        var settings = AccessLogSettings.Default with { Path = path, MaxSizeMb = 1, MaxFiles = 2 };
        var log = new AccessLog();
        var line = Encoding.UTF8.GetByteCount(LineOf(Record()));
        var perFile = (1024 * 1024 / line) + 1;
        for (var i = 0; i < perFile * 3 + 10; i++)
        {
            log.Write(Record(), settings);
            if (i % 1000 == 999)
            {
                await log.FlushAsync(TimeSpan.FromSeconds(10)); // stay under the queue's capacity
            }
        }

        await log.DisposeAsync();

        Assert.Equal(0, log.Dropped);
        Assert.True(File.Exists(path) && File.Exists(path + ".1") && File.Exists(path + ".2"));
        Assert.False(File.Exists(path + ".3"));
        foreach (var file in new[] { path, path + ".1", path + ".2" })
        {
            Assert.InRange(new FileInfo(file).Length, 1, 1024 * 1024);
            Assert.EndsWith("}\n", File.ReadAllText(file), StringComparison.Ordinal); // whole lines only
        }
    }

    [Fact]
    public async Task WrittenRecords_AreNotKeptAlive()
    {
        // A record is garbage once its line is written. The writer used to peek at the queue, which makes .NET's
        // ConcurrentQueue keep every dequeued item of the segment (segments grow to a million slots): written
        // records stayed reachable, and every gen0 GC copied them.
        var stdout = new StringWriter();
        var log = new AccessLog(stdout: () => stdout);
        var records = WriteRecords(log, 40);
        await log.FlushAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(40, log.Written);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        Assert.Equal(0, records.Count(r => r.IsAlive));
        await log.DisposeAsync();
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static WeakReference[] WriteRecords(AccessLog log, int count)
    {
        var refs = new WeakReference[count];
        for (var i = 0; i < count; i++)
        {
            var record = Record();
            refs[i] = new WeakReference(record);
            log.Write(record, AccessLogSettings.Default);
        }

        return refs;
    }

    [Fact]
    public async Task SettingsChangingFromRecordToRecord_EveryLineWrittenInOrder_InItsOwnFormat()
    {
        // A reload between requests gives records different settings; each batch is written under one settings
        // object, and a record of another is carried to the next batch, not lost or reordered.
        var stdout = new StringWriter();
        var log = new AccessLog(stdout: () => stdout);
        var json = AccessLogSettings.Default;
        var text = AccessLogSettings.Default with { Format = AccessLogFormat.Text };
        var formats = new List<AccessLogSettings>();
        for (var i = 0; i < 300; i++)
        {
            var settings = i % 7 is 0 or 1 || i % 11 == 0 ? text : json;
            formats.Add(settings);
            log.Write(Record(200 + (i % 100)), settings);
        }

        await log.DisposeAsync();

        var lines = stdout.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(300, lines.Length);
        Assert.Equal(300, log.Written);
        for (var i = 0; i < lines.Length; i++)
        {
            Assert.Equal(ReferenceEquals(formats[i], json), lines[i].StartsWith('{'));
            Assert.Contains((200 + (i % 100)).ToString(System.Globalization.CultureInfo.InvariantCulture), lines[i], StringComparison.Ordinal);
        }
    }

    private static string LineOf(RequestRecord r)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        AccessLogFormatter.Write(buffer, r, AccessLogFormat.Json);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private sealed class BlockingWriter(ManualResetEventSlim gate) : TextWriter
    {
        private readonly StringBuilder _text = new();

        public override Encoding Encoding => Encoding.UTF8;

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public override void Write(string? value)
        {
            gate.Wait(TimeSpan.FromSeconds(30));
            lock (_text)
            {
                _text.Append(value);
            }
        }
    }
}
