using System.Globalization;
using System.Runtime.InteropServices;

namespace Switchyard.Hosting;

/// <summary>
/// Benchmark hook for bench/alloc.sh: with <c>SWITCHYARD_REPORT_ALLOC=1</c> the process prints its total allocated
/// managed bytes to stderr on SIGUSR1 and when the host is disposed, so a script can read the counter before and
/// after a load and divide by the requests the upstream saw. Off (nothing registered) unless the variable is set.
/// </summary>
internal static class AllocationReport
{
    public const string EnvironmentVariable = "SWITCHYARD_REPORT_ALLOC";

    /// <summary>Registers the SIGUSR1 handler when enabled; null when disabled or not on Linux/macOS.</summary>
    public static IDisposable? RegisterIfEnabled()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) != "1" || !(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
        {
            return null;
        }

        // PosixSignal has no SIGUSR1 member; raw signal numbers are accepted on Unix (10 on Linux, 30 on macOS).
        var sigusr1 = (PosixSignal)(OperatingSystem.IsLinux() ? 10 : 30);
        return PosixSignalRegistration.Create(sigusr1, ctx =>
        {
            ctx.Cancel = true; // SIGUSR1's default action would end the process
            Print("signal");
        });
    }

    /// <summary>One line, read by bench/alloc.sh: <c>switchyard-alloc: {label} allocated_bytes=N gen0=N gen1=N gen2=N</c>.</summary>
    public static void Print(string label)
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) != "1")
        {
            return;
        }

        // precise: true includes what threads have allocated in their current allocation contexts.
        var bytes = GC.GetTotalAllocatedBytes(precise: true);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"switchyard-alloc: {label} allocated_bytes={bytes} gen0={GC.CollectionCount(0)} gen1={GC.CollectionCount(1)} gen2={GC.CollectionCount(2)}"));
    }
}
