using System.Runtime.CompilerServices;

namespace Switchyard.Core.Tests.Routing.Metrics;

/// <summary>Reads the JSON files in TestData/ next to this source file (no csproj change needed).</summary>
internal static class MetricsTestData
{
    public static byte[] Read(string name, [CallerFilePath] string here = "") =>
        File.ReadAllBytes(Path.Combine(Path.GetDirectoryName(here)!, "TestData", name));

    public static ReadOnlyMemory<byte> Utf8(string json) => System.Text.Encoding.UTF8.GetBytes(json);
}
