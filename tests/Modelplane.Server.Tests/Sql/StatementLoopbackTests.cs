using Modelplane.Server.Sql;
using Modelplane.Server.Tests.Tls;

namespace Modelplane.Server.Tests.Sql;

/// <summary>
/// The transport of the AI functions' model calls on a real Kestrel node serving HTTPS with a self-signed certificate:
/// the node's own address, trusted without any CA.
/// </summary>
public sealed class StatementLoopbackTests(TlsNode node) : IClassFixture<TlsNode>
{
    [Fact]
    public async Task The_loopback_target_is_the_nodes_own_https_address_and_trusts_its_certificate()
    {
        var target = node.Services.GetRequiredService<NodeLoopback>().Target();
        Assert.NotNull(target);
        var (address, handler) = target.Value;
        Assert.Equal(new Uri($"https://127.0.0.1:{node.Url.Port}/"), address);
        Assert.NotNull(handler);
        using var http = new HttpClient(handler, disposeHandler: false) { BaseAddress = address };
        using var live = await http.GetAsync("v2/health/live");
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);

        using var untrusting = new HttpClient { BaseAddress = address };
        await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync("v2/health/live"));
    }
}
