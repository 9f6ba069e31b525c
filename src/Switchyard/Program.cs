using Switchyard.Cli;

// Socket continuations run inline on the I/O thread: nothing on the request path blocks, and it takes a thread
// hop off every read and write. Must be set before the first socket is created; SWITCHYARD_INLINE_IO=0 opts out.
if (Environment.GetEnvironmentVariable("SWITCHYARD_INLINE_IO") != "0"
    && Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS") is null)
{
    Environment.SetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS", "1");
}

return await CliApp.RunAsync(args, Console.Out, Console.Error);
