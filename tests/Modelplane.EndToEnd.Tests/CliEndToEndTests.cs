using System.Text.Json;
using Xunit.Abstractions;

namespace Modelplane.EndToEnd.Tests;

/// <summary>
/// Issue 2's end-to-end test: the CLI as a process against a node as a process on loopback, through register (the
/// Iris MLflow directory) → endpoints create → wait → query (all 150 Iris rows) → endpoints delete → models delete.
/// </summary>
public sealed class CliEndToEndTests(ITestOutputHelper output)
{
    private static readonly TimeSpan NodeStart = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Register_create_wait_query_delete_through_the_cli()
    {
        await using var node = await NodeProcess.StartAsync(NodeStart);
        var env = node.CliEnvironment;
        var modelDir = Repo.PathOf("examples", "iris", "model");

        var register = await Cli(env, "models", "register", modelDir, "--name", "main.default.iris", "--alias", "champion");
        Assert.Equal(1, register.GetProperty("version").GetInt32());
        Assert.Equal("champion", register.GetProperty("aliases")[0].GetProperty("alias_name").GetString());

        var created = await Cli(env, "endpoints", "create", "--name", "iris-e2e", "--model", "main.default.iris", "--version", "1");
        Assert.Equal("iris-e2e", created.GetProperty("name").GetString());

        var ready = await Cli(env, "endpoints", "wait", "iris-e2e", "--timeout", "120");
        Assert.Equal("READY", ready.GetProperty("state").GetProperty("ready").GetString());
        Assert.Equal("iris-1", ready.GetProperty("config").GetProperty("served_entities")[0].GetProperty("name").GetString());

        var rows = IrisData.Rows();
        var payload = Path.Combine(node.DataDir, "iris-query.json");
        await File.WriteAllTextAsync(payload, IrisData.DataframeSplit(rows));
        var answer = await Cli(env, "query", "iris-e2e", "--file", payload);
        var predictions = answer.GetProperty("predictions");
        Assert.Equal(rows.Count, predictions.GetArrayLength());
        var species = predictions.EnumerateArray().Select(p => p.GetProperty("species").GetString()).ToList();
        Assert.All(species, s => Assert.StartsWith("Iris-", s));
        var accuracy = rows.Zip(species).Count(x => x.First.Species == x.Second) / (double)rows.Count;
        output.WriteLine($"Iris accuracy over {rows.Count} rows: {accuracy:P1}");
        Assert.True(accuracy >= 0.9, $"accuracy {accuracy:P1}");

        var deletedEndpoint = await Cli(env, "endpoints", "delete", "iris-e2e");
        Assert.Empty(deletedEndpoint.EnumerateObject());
        var gone = await CliProcess.RunAsync(["endpoints", "get", "iris-e2e"], env);
        Assert.Equal(1, gone.ExitCode);
        Assert.StartsWith("Error: RESOURCE_DOES_NOT_EXIST:", gone.Stderr.Trim());

        await Cli(env, "models", "delete", "main.default.iris");
        var list = await Cli(env, "models", "list");
        Assert.DoesNotContain(list.GetProperty("registered_models").EnumerateArray(), m => m.GetProperty("full_name").GetString() == "main.default.iris");
    }

    [Fact]
    public async Task A_wrong_token_is_refused_with_exit_1_and_one_error_line()
    {
        await using var node = await NodeProcess.StartAsync(NodeStart);

        var result = await CliProcess.RunAsync(["endpoints", "list", "--token", "wrong"], new Dictionary<string, string> { ["MODELPLANE_HOST"] = node.Url });

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("Error: UNAUTHENTICATED:", Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
    }

    /// <summary>Runs one CLI command with <c>--output json</c>, asserting exit 0 and exactly one JSON document.</summary>
    private static async Task<JsonElement> Cli(Dictionary<string, string> env, params string[] args)
    {
        var (exitCode, stdout, stderr) = await CliProcess.RunAsync([.. args, "--output", "json"], env);
        Assert.True(exitCode == 0, $"modelplane {string.Join(' ', args)} exited {exitCode}: {stderr}");
        using var document = JsonDocument.Parse(stdout);
        return document.RootElement.Clone();
    }
}
