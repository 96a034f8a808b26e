using System.Text.Json;
using Modelplane.Cli.Tests.Infrastructure;

namespace Modelplane.Cli.Tests;

/// <summary><c>modelplane endpoints ai-gateway get|put</c> against a loopback fake node.</summary>
public sealed class EndpointsAiGatewayCommandTests : IAsyncLifetime
{
    private const string Base = "/api/2.0/serving-endpoints";
    private FakeNode node = null!;

    public async Task InitializeAsync() => node = await FakeNode.StartAsync();

    public async Task DisposeAsync() => await node.DisposeAsync();

    [Fact]
    public async Task Put_inline_json_sends_the_object_and_prints_what_the_node_stored()
    {
        node.OnJson("PUT", $"{Base}/chat/ai-gateway", """{"rate_limits":[{"key":"user","calls":10,"renewal_period":"minute"}],"fallback_config":{"enabled":false}}""");

        var result = await CliRun.RunAsync(["endpoints", "ai-gateway", "put", "chat", "--json", """{"rate_limits":[{"key":"user","calls":10}]}""", "--output", "json"], CliRun.EnvFor(node));

        Assert.Equal(0, result.ExitCode);
        using var sent = JsonDocument.Parse(Assert.Single(node.RequestsTo("PUT", $"{Base}/chat/ai-gateway")).Body);
        Assert.Equal(10, sent.RootElement.GetProperty("rate_limits")[0].GetProperty("calls").GetInt32());
        Assert.Equal("minute", result.Json().GetProperty("rate_limits")[0].GetProperty("renewal_period").GetString());
    }

    [Fact]
    public async Task Put_from_a_file_sends_the_file()
    {
        node.OnJson("PUT", $"{Base}/chat/ai-gateway", "{}");
        using var temp = new TempDirectory();
        var file = temp.File("gateway.json");
        await File.WriteAllTextAsync(file, """{"usage_tracking_config":{"enabled":true}}""");

        var result = await CliRun.RunAsync(["endpoints", "ai-gateway", "put", "chat", "--file", file], CliRun.EnvFor(node));

        Assert.Equal(0, result.ExitCode);
        using var sent = JsonDocument.Parse(Assert.Single(node.RequestsTo("PUT", $"{Base}/chat/ai-gateway")).Body);
        Assert.True(sent.RootElement.GetProperty("usage_tracking_config").GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task Put_needs_exactly_one_of_file_and_json()
    {
        var result = await CliRun.RunAsync(["endpoints", "ai-gateway", "put", "chat"], CliRun.EnvFor(node));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("exactly one of --file or --json", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(node.Requests);
    }

    [Fact]
    public async Task Get_prints_the_endpoint_s_ai_gateway()
    {
        node.OnJson("GET", $"{Base}/iris-classifier", Canned.Endpoint());

        var result = await CliRun.RunAsync(["endpoints", "ai-gateway", "get", "iris-classifier"], CliRun.EnvFor(node));

        Assert.Equal(0, result.ExitCode);
        Assert.False(result.Json().GetProperty("usage_tracking_config").GetProperty("enabled").GetBoolean());
    }
}
