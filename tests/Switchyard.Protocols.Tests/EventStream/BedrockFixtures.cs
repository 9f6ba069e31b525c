using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Switchyard.Protocols.Tests.EventStream;

/// <summary>
/// The recorded Bedrock ConverseStream bodies (raw application/vnd.amazon.eventstream bytes) and the manifest line
/// that describes each. Found from the test binaries or, for builds with an artifacts path outside the tree, from
/// this source file (FixturePaths only searches above the binaries).
/// </summary>
internal static partial class BedrockFixtures
{
    private static readonly Lazy<string> Folder = new(() => Find());

    public static string Directory => Folder.Value;

    /// <summary>Every raw event-stream capture: pydantic-ai's <c>.bin</c> and plano's <c>.hex.bin</c> (raw bytes despite the name).</summary>
    public static IEnumerable<object[]> StreamFiles() =>
        System.IO.Directory.GetFiles(Directory, "*.bin").Select(Path.GetFileName).Order(StringComparer.Ordinal).Select(f => new object[] { f! });

    public static byte[] Read(string file) => File.ReadAllBytes(Path.Combine(Directory, file));

    /// <summary>
    /// What MANIFEST.md (written by an independent decoder when the fixtures were copied) says about a capture:
    /// its frame count and the count of each event type.
    /// </summary>
    public static (int Frames, Dictionary<string, int> Events) ManifestSummary(string file)
    {
        var line = File.ReadAllLines(Path.Combine(Directory, "MANIFEST.md")).Single(l => l.StartsWith("| ", StringComparison.Ordinal) && l.Contains(file, StringComparison.Ordinal));
        var index = InteractionIndex().Match(file);
        var section = line;
        if (index.Success)
        {
            var start = line.IndexOf($"[{index.Groups[1].Value}] POST", StringComparison.Ordinal);
            section = line[start..];
        }

        var frames = int.Parse(FrameCount().Match(section).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var events = new Dictionary<string, int>(StringComparer.Ordinal);
        var list = EventList().Match(section).Groups[1].Value;
        foreach (Match m in EventCount().Matches(list))
        {
            events[m.Groups[1].Value] = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
        }

        return (frames, events);
    }

    private static string Find([CallerFilePath] string sourceFile = "")
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
        {
            for (var dir = start.Length == 0 ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "fixtures", "raw", "bedrock");
                if (System.IO.Directory.Exists(candidate))
                {
                    return candidate;
                }
            }
        }

        throw new DirectoryNotFoundException($"shared/fixtures/raw/bedrock not found above {AppContext.BaseDirectory} or {sourceFile}");
    }

    [GeneratedRegex(@"\.(\d+)\.bin$")]
    private static partial Regex InteractionIndex();

    [GeneratedRegex(@"(\d+) frames")]
    private static partial Regex FrameCount();

    [GeneratedRegex(@"events: (.+?)(?:<br>|\s\||$)")]
    private static partial Regex EventList();

    [GeneratedRegex(@"(\w+)x(\d+)")]
    private static partial Regex EventCount();
}
