namespace Switchyard.Core.Configuration;

/// <summary>
/// A read entry with where it came from: its config path, the line of the entry and of each key, so rules that run
/// after reading (ConfigValidator) can still point at the exact key.
/// </summary>
internal sealed record Located<T>(T Value, string Path, int Line, IReadOnlyDictionary<string, int> KeyLines)
{
    /// <summary>Line of <paramref name="key"/> when written, else the entry's line (for "missing key" errors).</summary>
    public int LineOf(string key) => KeyLines.TryGetValue(key, out var line) ? line : Line;

    public bool Has(string key) => KeyLines.ContainsKey(key);
}
