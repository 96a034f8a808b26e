using System.Text.Json;

namespace Modelplane.EndToEnd.Tests;

/// <summary>
/// Issue 2, point 10: <c>modelplane quickstart</c> as a process serves <c>iris-classifier</c>, prints examples with the
/// real token and payload, and a second run on the same data dir reuses version 1 and the endpoint.
/// </summary>
public sealed class QuickstartEndToEndTests
{
    [Fact]
    public async Task Quickstart_serves_iris_and_a_second_run_reuses_what_exists()
    {
        var dataDir = Directory.CreateTempSubdirectory("modelplane-qs-e2e-").FullName;
        try
        {
            var first = await RunQuickstartAsync(dataDir, queryIt: true);
            var second = await RunQuickstartAsync(dataDir, queryIt: false);

            Assert.Equal(1, first.Summary.GetProperty("version").GetInt32());
            Assert.Equal(1, second.Summary.GetProperty("version").GetInt32());
            Assert.Equal(first.EndpointId, second.EndpointId);
            Assert.Equal(first.Summary.GetProperty("token").GetString(), second.Summary.GetProperty("token").GetString());
            Assert.Contains(second.Summary.GetProperty("token").GetString()!, second.Summary.GetProperty("examples").GetProperty("curl").GetString());
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task<(JsonElement Summary, string? EndpointId)> RunQuickstartAsync(string dataDir, bool queryIt)
    {
        var port = NodeProcess.FreePort();
        await using var quickstart = CliProcess.Start(["quickstart", "--port", port.ToString(), "--data-dir", dataDir, "--output", "json"]);
        var summary = await quickstart.WaitForJsonAsync(TimeSpan.FromMinutes(3));
        Assert.Equal($"http://127.0.0.1:{port}", summary.GetProperty("url").GetString());
        Assert.Equal("iris-classifier", summary.GetProperty("endpoint").GetString());
        var env = new Dictionary<string, string> { ["MODELPLANE_HOST"] = summary.GetProperty("url").GetString()!, ["MODELPLANE_TOKEN"] = summary.GetProperty("token").GetString()! };

        var versions = await CliProcess.RunAsync(["models", "versions", "main.default.iris", "-o", "json"], env);
        Assert.Equal(0, versions.ExitCode);
        using (var list = JsonDocument.Parse(versions.Stdout))
        {
            Assert.Equal(1, list.RootElement.GetProperty("model_versions").GetArrayLength());
        }

        var endpoint = await CliProcess.RunAsync(["endpoints", "get", "iris-classifier", "-o", "json"], env);
        Assert.Equal(0, endpoint.ExitCode);
        string? endpointId;
        using (var document = JsonDocument.Parse(endpoint.Stdout))
        {
            Assert.Equal("READY", document.RootElement.GetProperty("state").GetProperty("ready").GetString());
            endpointId = document.RootElement.GetProperty("id").GetString();
        }

        if (queryIt)
        {
            var payload = File.ReadAllText(Repo.PathOf("examples", "iris", "model", "serving_input_example.json"));
            var query = await CliProcess.RunAsync(["query", "iris-classifier", "--data", payload, "-o", "json"], env);
            Assert.True(query.ExitCode == 0, query.Stderr);
            using var answer = JsonDocument.Parse(query.Stdout);
            Assert.Equal(["Iris-setosa", "Iris-versicolor", "Iris-virginica"],
                answer.RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("species").GetString()));
        }

        Assert.False(quickstart.HasExited, quickstart.Stderr);
        return (summary, endpointId);
    }
}
