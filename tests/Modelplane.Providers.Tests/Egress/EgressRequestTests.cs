using System.Net;
using Modelplane.Abstractions;
using Modelplane.Providers.Egress;
using Modelplane.Providers.Http;
using Modelplane.Providers.Tests.Resilience;

namespace Modelplane.Providers.Tests.Egress;

/// <summary>
/// Connect-time enforcement through the real <see cref="IHttpClientFactory"/> client and a loopback fake. The
/// allow-list is checked against the host as written in the URL: listing <c>localhost</c> does not allow
/// <c>127.0.0.1</c>.
/// </summary>
public sealed class EgressRequestTests
{
    private const int Refused = 4601;
    private const int WouldRefuse = 4602;

    [Fact]
    public async Task Restricted_ListedHostAndPort_Connects()
    {
        await using var fake = await ScriptedUpstream.StartAsync(Reply.Ok);
        var port = fake.Server.BaseUri.Port;
        using var harness = UpstreamHarness.Create(
            ("Modelplane:Egress:RestrictionMode", "RESTRICTED_ACCESS"),
            ("Modelplane:Egress:AllowedInternetDestinations:0", $"localhost:{port}"));

        using var response = await harness.Client.SendAsync(UpstreamHarness.ChatRequest(new Uri($"http://localhost:{port}/v1/chat/completions")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, fake.Count);
        Assert.Empty(harness.Logs.WithEvent(Refused));
    }

    [Fact]
    public async Task Restricted_UnlistedHost_IsRefusedBeforeReachingTheServer_AndLogged()
    {
        await using var fake = await ScriptedUpstream.StartAsync(Reply.Ok);
        using var harness = UpstreamHarness.Create(
            ("Modelplane:Egress:RestrictionMode", "RESTRICTED_ACCESS"),
            ("Modelplane:Egress:AllowedInternetDestinations:0", "localhost"));
        var url = new Uri(fake.ChatUrl + "?api-version=2024-06-01&key=sk-query-secret");

        var error = await Assert.ThrowsAsync<ModelplaneException>(() =>
            UpstreamHttp.SendAsync(harness.Client, UpstreamHarness.ChatRequest(url), "custom", null, CancellationToken.None));

        Assert.Equal(0, fake.Count);
        Assert.Equal(403, error.StatusCode);
        Assert.Equal(ErrorCode.PermissionDenied, error.ErrorCode);
        Assert.Contains($"127.0.0.1:{fake.Server.BaseUri.Port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("is not in Modelplane:Egress:AllowedInternetDestinations (RESTRICTED_ACCESS)", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-query-secret", error.Message, StringComparison.Ordinal);
        var log = Assert.Single(harness.Logs.WithEvent(Refused));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, log.Level);
        Assert.Contains("127.0.0.1", log.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-query-secret", log.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DryRun_LetsTheConnectionThrough_AndLogsWouldRefuse()
    {
        await using var fake = await ScriptedUpstream.StartAsync(Reply.Ok);
        using var harness = UpstreamHarness.Create(
            ("Modelplane:Egress:RestrictionMode", "RESTRICTED_ACCESS"),
            ("Modelplane:Egress:DryRun", "true"),
            ("Modelplane:Egress:AllowedInternetDestinations:0", "api.openai.com"));

        using var response = await harness.Client.SendAsync(UpstreamHarness.ChatRequest(fake.ChatUrl));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, fake.Count);
        var log = Assert.Single(harness.Logs.WithEvent(WouldRefuse));
        Assert.Contains("would refuse 127.0.0.1", log.Message, StringComparison.Ordinal);
        Assert.Empty(harness.Logs.WithEvent(Refused));
    }

    [Theory]
    [InlineData("FULL_ACCESS", "false")]
    [InlineData("RESTRICTED_ACCESS", "true")]
    public async Task MetadataAddress_IsRefusedAtConnectTime_EvenInDryRun(string mode, string dryRun)
    {
        using var harness = UpstreamHarness.Create(
            ("Modelplane:Egress:RestrictionMode", mode),
            ("Modelplane:Egress:DryRun", dryRun),
            ("Modelplane:Egress:AllowedInternetDestinations:0", "169.254.169.254:8080"));

        var ex = await Assert.ThrowsAsync<HttpRequestException>(() =>
            harness.Client.GetAsync(new Uri("http://169.254.169.254/latest/meta-data/iam/security-credentials/")));

        var denied = EgressDeniedException.Find(ex);
        Assert.NotNull(denied);
        Assert.Equal(IPAddress.Parse("169.254.169.254"), denied.Address);
        Assert.DoesNotContain("security-credentials", denied.Message, StringComparison.Ordinal);
        Assert.Single(harness.Logs.WithEvent(Refused));
        Assert.Equal(403, UpstreamErrors.FromTransport("custom", ex).StatusCode);
    }

    [Fact]
    public async Task ResolvedAddresses_AreChecked_LocalhostResolvesToLoopbackOnly()
    {
        using var harness = UpstreamHarness.Create(
            ("Modelplane:Egress:RestrictionMode", "RESTRICTED_ACCESS"),
            ("Modelplane:Egress:AllowedInternetDestinations:0", "localhost"));

        var addresses = await harness.Policy.ResolveCheckedAsync("localhost", 80, CancellationToken.None);

        Assert.NotEmpty(addresses);
        Assert.All(addresses, a => Assert.True(IPAddress.IsLoopback(a), $"{a} is not loopback"));
        var error = await Assert.ThrowsAsync<EgressDeniedException>(() => harness.Policy.ResolveCheckedAsync("unlisted.invalid", 443, CancellationToken.None));
        Assert.Null(error.Address); // refused on the name, before any DNS query
    }
}
