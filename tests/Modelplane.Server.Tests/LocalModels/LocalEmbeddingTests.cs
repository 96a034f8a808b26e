using System.ClientModel;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Embeddings;

namespace Modelplane.Server.Tests.LocalModels;

/// <summary>
/// Issue 5: OpenAI embeddings from the system.ai foundation models, served by real worker processes on ONNX Runtime,
/// through the official OpenAI .NET SDK and raw HTTP: unit vectors, real token counts, <c>dimensions</c>,
/// <c>encoding_format: base64</c>, adaptive batching across concurrent requests, and errors in the OpenAI shape.
/// </summary>
[Collection(LocalModelsCollection.Name)]
public sealed class LocalEmbeddingTests(LocalModelsNode node)
{
    private EmbeddingClient Client(string endpoint) =>
        new(endpoint, new ApiKeyCredential(node.AdminToken), new OpenAIClientOptions { Endpoint = new Uri(node.BaseUri, "/serving-endpoints"), NetworkTimeout = TimeSpan.FromMinutes(2) });

    [Theory]
    [InlineData("arctic")]
    [InlineData("minilm")]
    public async Task Sdk_gets_unit_vectors_and_the_real_token_count(string endpoint)
    {
        OpenAIEmbeddingCollection result = await Client(endpoint).GenerateEmbeddingsAsync(["hello world", "The cat sat on the mat."]);

        Assert.Equal(2, result.Count);
        Assert.All(result, e => Assert.Equal(384, e.ToFloats().Length));
        Assert.All(result, e => Assert.InRange(Norm(e.ToFloats().ToArray()), 0.999, 1.001));
        // [CLS] hello world [SEP] = 4 tokens; [CLS] the cat sat on the mat . [SEP] = 9.
        Assert.Equal(13, result.Usage.InputTokenCount);
    }

    [Fact]
    public async Task Paraphrases_score_above_unrelated_sentences_on_both_models()
    {
        foreach (var endpoint in new[] { "arctic", "minilm" })
        {
            OpenAIEmbeddingCollection v = await Client(endpoint).GenerateEmbeddingsAsync([
                "The cat sat on the mat.", "A cat was sitting on a rug.", "Interest rates rose sharply this quarter."]);
            var paraphrase = Cosine(v[0].ToFloats().ToArray(), v[1].ToFloats().ToArray());
            var unrelated = Cosine(v[0].ToFloats().ToArray(), v[2].ToFloats().ToArray());
            Assert.True(paraphrase > unrelated, $"{endpoint}: paraphrase {paraphrase:0.000} <= unrelated {unrelated:0.000}");
        }
    }

    [Fact]
    public async Task Dimensions_shorten_and_renormalize_and_base64_carries_the_same_floats()
    {
        var full = await PostAsync(new JsonObject { ["model"] = "arctic", ["input"] = "Modelplane serves models." });
        var shortFloats = await PostAsync(new JsonObject { ["model"] = "arctic", ["input"] = "Modelplane serves models.", ["dimensions"] = 64 });
        var shortBase64 = await PostAsync(new JsonObject { ["model"] = "arctic", ["input"] = "Modelplane serves models.", ["dimensions"] = 64, ["encoding_format"] = "base64" });

        var vector = Floats(full);
        var shortened = Floats(shortFloats);
        Assert.Equal(64, shortened.Length);
        Assert.InRange(Norm(shortened), 0.999, 1.001);
        var expected = vector[..64].Select(x => x / Norm(vector[..64])).ToArray();
        Assert.All(Enumerable.Range(0, 64), i => Assert.Equal(expected[i], shortened[i], 4));
        var decoded = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(Convert.FromBase64String((string)shortBase64["data"]![0]!["embedding"]!)).ToArray();
        Assert.Equal(shortened, decoded);
    }

    [Fact]
    public async Task Concurrent_requests_are_batched_and_get_the_vectors_they_get_alone()
    {
        var texts = Enumerable.Range(0, 24).Select(i => $"Sentence number {i} talks about {(i % 3 == 0 ? "the weather" : "model serving")}.").ToArray();
        var alone = new List<float[]>();
        foreach (var text in texts[..4])
        {
            alone.Add(Floats(await PostAsync(new JsonObject { ["model"] = "arctic", ["input"] = text })));
        }

        var before = await BatchStatsAsync();
        var together = await Task.WhenAll(texts.Select(t => PostAsync(new JsonObject { ["model"] = "arctic", ["input"] = t })));
        var after = await BatchStatsAsync();

        for (var i = 0; i < 4; i++)
        {
            Assert.True(Cosine(alone[i], Floats(together[i])) > 0.99999);
        }

        var batches = after.Count - before.Count;
        var rows = after.Sum - before.Sum;
        Assert.Equal(texts.Length, rows);
        Assert.True(batches < texts.Length, $"{texts.Length} concurrent requests ran as {batches} batches; expected fewer.");
    }

    [Theory]
    [InlineData("""{"model": "arctic", "input": [[101, 7592, 102]]}""", "input")]
    [InlineData("""{"model": "arctic", "input": "hi", "dimensions": 500}""", "dimensions")]
    [InlineData("""{"model": "arctic", "input": "hi", "encoding_format": "int8"}""", "encoding_format")]
    public async Task Bad_requests_get_400_naming_the_field(string body, string param)
    {
        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var response = await node.Admin.PostAsync("/serving-endpoints/embeddings", content);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(param, (string?)error["param"]);
    }

    [Fact]
    public async Task A_chat_request_to_an_embeddings_endpoint_says_what_it_serves()
    {
        var response = await node.Admin.PostAsJsonAsync("/serving-endpoints/chat/completions", new { model = "arctic", messages = new[] { new { role = "user", content = "hi" } } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("llm/v1/embeddings", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<JsonObject> PostAsync(JsonObject body)
    {
        var response = await node.Admin.PostAsJsonAsync("/serving-endpoints/embeddings", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonNode.Parse(text)!.AsObject();
    }

    private async Task<(double Sum, double Count)> BatchStatsAsync()
    {
        var text = await node.Admin.GetStringAsync("/api/2.0/serving-endpoints/arctic/metrics");
        double Value(string name) => text.Split('\n').Where(l => l.StartsWith(name, StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        return (Value("batch_size_sum"), Value("batch_size_count"));
    }

    private static float[] Floats(JsonObject answer) => [.. answer["data"]![0]!["embedding"]!.AsArray().Select(v => (float)v!)];

    private static double Norm(float[] v) => Math.Sqrt(v.Sum(x => (double)x * x));

    private static double Cosine(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum() / (Norm(a) * Norm(b));
}
