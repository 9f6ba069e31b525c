using System.Net;
using System.Net.Sockets;

namespace Switchyard.Functional.Tests.Infrastructure;

internal static class Ports
{
    /// <summary>A loopback URL where nothing listens: a port the OS just handed out and took back.</summary>
    public static string RefusingBaseUrl()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }
}
