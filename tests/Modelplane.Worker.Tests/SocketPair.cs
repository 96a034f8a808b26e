using System.Net.Sockets;

namespace Modelplane.Worker.Tests;

/// <summary>Two connected Unix domain socket streams through a listener in the temp folder.</summary>
internal sealed class SocketPair : IAsyncDisposable
{
    private SocketPair(NetworkStream node, NetworkStream worker)
    {
        Node = node;
        Worker = worker;
    }

    public NetworkStream Node { get; }

    public NetworkStream Worker { get; }

    public static async Task<SocketPair> CreateAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"mp-test-{Guid.NewGuid():N}"[..20] + ".sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(path));
        var server = await listener.AcceptAsync();
        File.Delete(path);
        return new SocketPair(new NetworkStream(client, ownsSocket: true), new NetworkStream(server, ownsSocket: true));
    }

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        await Worker.DisposeAsync();
    }
}
