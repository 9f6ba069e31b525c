namespace Switchyard.Protocols.Tests;

/// <summary>Locates ../shared/fixtures (recorded provider traffic) from the test binary.</summary>
internal static class FixturePaths
{
    private static readonly Lazy<string> Root = new(Find);

    public static string Raw(string provider, string file) => Path.Combine(Root.Value, "raw", provider, file);

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException("shared/fixtures not found above " + AppContext.BaseDirectory + "; the repo must sit beside ../shared");
    }
}
