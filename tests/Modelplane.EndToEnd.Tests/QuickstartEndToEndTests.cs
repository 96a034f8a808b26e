using System.Text.Json;

namespace Modelplane.EndToEnd.Tests;

/// <summary>
/// Issue 2, point 10: <c>modelplane quickstart</c> as a process serves <c>iris-classifier</c>, prints examples with the
/// real token and payload, and a second run on the same data dir reuses version 1 and the endpoint. Issue 5: it also
/// serves <c>arctic-embed-xs</c> (system.ai.arctic_embed_xs, extracted from its NuGet package) on the OpenAI routes.
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
        Assert.Equal("arctic-embed-xs", summary.GetProperty("embedding_endpoint").GetString());
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

            using var http = new HttpClient { BaseAddress = new Uri(summary.GetProperty("url").GetString()!) };
            http.DefaultRequestHeaders.Authorization = new("Bearer", summary.GetProperty("token").GetString());
            using var body = new StringContent("""{"model": "arctic-embed-xs", "input": ["hello world", "The cat sat on the mat."]}""", System.Text.Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("/serving-endpoints/embeddings", body);
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, text);
            using var embeddings = JsonDocument.Parse(text);
            var vectors = embeddings.RootElement.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("embedding").EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToList();
            Assert.Equal(2, vectors.Count);
            Assert.All(vectors, v => Assert.Equal(384, v.Length));
            Assert.All(vectors, v => Assert.InRange(Math.Sqrt(v.Sum(x => x * x)), 0.999, 1.001));
            // [CLS] hello world [SEP] = 4 tokens; [CLS] the cat sat on the mat . [SEP] = 9.
            Assert.Equal(13, embeddings.RootElement.GetProperty("usage").GetProperty("prompt_tokens").GetInt32());
        }

        Assert.False(quickstart.HasExited, quickstart.Stderr);
        return (summary, endpointId);
    }
}
