using System.Runtime.CompilerServices;

namespace Switchyard.Functional.Tests.Infrastructure;

/// <summary>Recorded provider traffic from the sibling <c>shared/fixtures/raw</c> folder.</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> RawDirectory = new(FindRawDirectory);

    /// <summary>Full path of a recording, e.g. <c>openai/envoy__chat-basic.0.json</c>; fails loudly when missing.</summary>
    public static string PathOf(string relative)
    {
        var path = Path.Combine(RawDirectory.Value, relative);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"fixture '{relative}' not found under {RawDirectory.Value}", path);
        }

        return path;
    }

    public static byte[] Bytes(string relative) => File.ReadAllBytes(PathOf(relative));

    /// <summary>Content type a real provider serves the recording with, by extension.</summary>
    public static string ContentTypeOf(string relative) => Path.GetExtension(relative) switch
    {
        ".sse" => "text/event-stream",
        ".json" => "application/json",
        var other => throw new ArgumentException($"no content type known for '{other}' fixtures", nameof(relative)),
    };

    // Test binaries may live outside the tree (--artifacts-path), so the source file's folder is a second start.
    private static string FindRawDirectory() => FindRawDirectoryFrom(AppContext.BaseDirectory, SourceDirectory());

    private static string FindRawDirectoryFrom(params string[] starts)
    {
        foreach (var start in starts)
        {
            for (var dir = string.IsNullOrEmpty(start) ? null : new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "fixtures");
                if (Directory.Exists(candidate))
                {
                    return Path.Combine(candidate, "raw");
                }

                // The repo root's sibling: /work/main → /work/shared.
                candidate = Path.Combine(dir.FullName, "..", "shared", "fixtures");
                if (Directory.Exists(candidate))
                {
                    return Path.GetFullPath(Path.Combine(candidate, "raw"));
                }
            }
        }

        throw new DirectoryNotFoundException(
            $"could not find a 'shared/fixtures' directory above {string.Join(" or ", starts)}; the functional tests need the recorded fixtures");
    }

    private static string SourceDirectory([CallerFilePath] string file = "") => Path.GetDirectoryName(file) ?? "";
}
