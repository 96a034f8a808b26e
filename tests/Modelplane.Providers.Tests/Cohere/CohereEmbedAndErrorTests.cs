using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Cohere;
using Modelplane.Testing.Providers;
using static Modelplane.Providers.Tests.Cohere.CohereTestKit;

namespace Modelplane.Providers.Tests.Cohere;

/// <summary>Cohere v2 embeddings, errors, refused completions and config validation.</summary>
public sealed class CohereEmbedAndErrorTests
{
    [Fact]
    public async Task Embed_SendsTextsAsSearchDocumentFloats_AndTranslatesTheDocumentedAnswer()
    {
        await using var fake = await FakeCohere.StartAsync();
        var client = Client(fake, "embed-english-v3.0", LlmTask.Embeddings);

        var answer = await client.EmbedAsync(Parse<EmbeddingRequest>("""{"model": "ep", "input": ["hello", "goodbye"], "encoding_format": "base64"}"""), CancellationToken.None);

        var expected = JsonNode.Parse("""{"model": "embed-english-v3.0", "texts": ["hello", "goodbye"], "input_type": "search_document", "embedding_types": ["float"]}""");
        Assert.True(JsonNode.DeepEquals(expected, Sent(fake)), Sent(fake).ToJsonString());
        Assert.Equal("/v2/embed", fake.LastRequest.PathAndQuery);
        Assert.Equal($"Bearer {Key}", fake.LastRequest.Headers["authorization"]);
        Assert.Equal("list", answer.Object);
        Assert.Equal([0, 1], answer.Data.Select(d => d.Index));
        Assert.Equal(0.016296387, answer.Data[0].Embedding[0].GetDouble());
        Assert.Equal(5, answer.Data[1].Embedding.GetArrayLength());
        Assert.Equal(2, answer.Usage!.PromptTokens);
        Assert.Equal(2, answer.Usage.TotalTokens);
    }

    [Fact]
    public async Task Embed_TokenArrays_Are400()
    {
        await using var fake = await FakeCohere.StartAsync();

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => Client(fake, "embed-english-v3.0", LlmTask.Embeddings)
            .EmbedAsync(Parse<EmbeddingRequest>("""{"input": [[1, 2, 3]]}"""), CancellationToken.None));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("input", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Completions_AreRefused()
    {
        await using var fake = await FakeCohere.StartAsync();

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => Client(fake).CompleteAsync(Parse<CompletionRequest>("""{"prompt": "hi"}"""), CancellationToken.None));

        Assert.Equal(400, ex.StatusCode);
        Assert.Empty(fake.Requests);
    }

    [Fact]
    public async Task WrongKey_Is502_WithoutTheKey()
    {
        await using var fake = await FakeCohere.StartAsync();
        fake.RequireApiKey = "co-the-right-one";

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => Client(fake).ChatAsync(Hello(), CancellationToken.None));

        Assert.Equal(502, ex.StatusCode);
        Assert.Contains("invalid api token", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key[..12], ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RateLimit_Is429_WithRetryAfter_AlsoForEmbeddings()
    {
        await using var fake = await FakeCohere.StartAsync();
        fake.EnqueueFailure(429, "error_rate_limit.json", retryAfterSeconds: 30);

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => Client(fake, "embed-english-v3.0", LlmTask.Embeddings)
            .EmbedAsync(Parse<EmbeddingRequest>("""{"input": "hello"}"""), CancellationToken.None));

        Assert.Equal(429, ex.StatusCode);
        Assert.Equal(30, ex.RetryAfterSeconds);
        Assert.Contains("Trial key", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadRequest_Is400_WithCoheresMessage()
    {
        await using var fake = await FakeCohere.StartAsync();
        fake.EnqueueFailure(400, "error_bad_request.json");

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => Client(fake).StreamChatAsync(Hello(stream: true), CancellationToken.None));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("message must be at least 1 token long", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Provider_ValidatesItsBlock_NamingFields()
    {
        var provider = new CohereProvider();
        const string Field = "served_entities[1].external_model";
        ExternalModelDefinition Model(string config, string task = LlmTask.Chat) => new("cohere", "command-r", task, JsonNode.Parse(config)!.AsObject());

        Assert.Equal([LlmTask.Chat, LlmTask.Embeddings], provider.Tasks);
        Assert.Equal([new Uri(CohereProvider.DefaultApiBase)], provider.Validate(Model("""{"cohere_api_key_plaintext": "k"}"""), Field));
        Assert.Contains("served_entities[1].external_model.cohere_config.cohere_api_key is required",
            Assert.Throws<ModelplaneException>(() => provider.Validate(Model("{}"), Field)).Message, StringComparison.Ordinal);
        Assert.Contains("served_entities[1].external_model.cohere_config.cohere_api_base",
            Assert.Throws<ModelplaneException>(() => provider.Validate(Model("""{"cohere_api_key": "{{secrets/a/b}}", "cohere_api_base": "not a url"}"""), Field)).Message, StringComparison.Ordinal);
        Assert.Contains("served_entities[1].external_model.task",
            Assert.Throws<ModelplaneException>(() => provider.Validate(Model("""{"cohere_api_key": "{{secrets/a/b}}"}""", LlmTask.Completions), Field)).Message, StringComparison.Ordinal);
    }
}
