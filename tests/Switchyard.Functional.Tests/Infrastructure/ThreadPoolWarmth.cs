using System.Runtime.CompilerServices;

namespace Switchyard.Functional.Tests.Infrastructure;

/// <summary>
/// These tests run the gateway, its fake upstreams and the clients in one process on a 2-core machine, where the
/// thread pool starts with 2 workers and adds one about every half second when they are all busy. A test that times
/// an exchange (time to first event) then measures thread injection, not the gateway: raise the floor once.
/// </summary>
internal static class ThreadPoolWarmth
{
    [ModuleInitializer]
    internal static void RaiseMinimumThreads()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), Math.Max(io, 32));
    }
}
