using System.Net;
using System.Net.Sockets;
using Modelplane.Cli.Tests.Infrastructure;

namespace Modelplane.Cli.Tests;

/// <summary>Failures exit 1 with exactly one line on stderr and nothing on stdout.</summary>
public sealed class ErrorTests : IAsyncLifetime
{
    private FakeNode node = null!;

    public async Task InitializeAsync() => node = await FakeNode.StartAsync();

    public async Task DisposeAsync() => await node.DisposeAsync();

    [Fact]
    public async Task A_missing_endpoint_gives_the_node_code_and_message()
    {
        node.On("GET", "/api/2.0/serving-endpoints/x", new Reply(404, Canned.NotFound("Endpoint 'x' does not exist.")));

        var result = await CliRun.RunAsync(["endpoints", "get", "x", "-o", "json"], CliRun.EnvFor(node));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal(["Error: RESOURCE_DOES_NOT_EXIST: Endpoint 'x' does not exist."], result.ErrorLines);
    }

    [Fact]
    public async Task A_non_json_error_body_is_mapped_from_the_status()
    {
        node.On("GET", "/api/2.0/serving-endpoints", new Reply(401, "go away", ContentType: "text/plain"));

        var result = await CliRun.RunAsync(["endpoints", "list"], CliRun.EnvFor(node));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["Error: UNAUTHENTICATED: HTTP 401 Unauthorized: go away"], result.ErrorLines);
    }

    [Fact]
    public async Task An_unreachable_node_is_one_line_naming_the_host()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();

        var result = await CliRun.RunAsync(["endpoints", "list", "--host", $"127.0.0.1:{port}", "--token", "t"]);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith($"Error: Cannot reach the node at http://127.0.0.1:{port}", line);
    }

    [Fact]
    public async Task A_json_file_that_is_not_json_exits_1()
    {
        using var temp = new TempDirectory();
        var file = temp.File("bad.json");
        await File.WriteAllTextAsync(file, "{ not json");

        var result = await CliRun.RunAsync(["endpoints", "create", "--json", file], CliRun.EnvFor(node));

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("Error: '", Assert.Single(result.ErrorLines));
        Assert.Empty(node.Requests);
    }
}
