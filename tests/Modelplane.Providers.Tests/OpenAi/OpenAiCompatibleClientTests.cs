using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Custom;
using Modelplane.Providers.DatabricksModelServing;
using Modelplane.Providers.OpenAi;
using Modelplane.Testing.Providers;
using static Modelplane.Providers.Tests.OpenAi.OpenAiTestKit;

namespace Modelplane.Providers.Tests.OpenAi;

/// <summary>The OpenAI-family adapters against <see cref="FakeOpenAi"/>: bodies, URLs, headers, errors, streams.</summary>
public sealed class OpenAiCompatibleClientTests
{
    private const string Key = "sk-test-0123456789abcdef";
    private const string Ref = "{{secrets/scope/key}}";

    private static ILlmClient OpenAiClient(FakeOpenAi fake, string key = Key, string extra = "") =>
        new OpenAiProvider().CreateClient(
            Model("openai", "gpt-4o-2024-08-06", $$"""{"openai_api_key": "{{Ref}}", "openai_api_base": "{{fake.ApiBase}}"{{extra}}}"""),
            Context(new Dictionary<string, string> { ["openai_api_key"] = key }));

    [Fact]
    public async Task Stream_SendsTheCanonicalBodyWithTheEntityModel()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        var request = LlmJson.Deserialize<ChatCompletionRequest>("""
            {"model": "my-endpoint", "stream": true, "service_tier": "flex",
             "messages": [{"role": "user", "x_trace": {"a": 1},
                           "content": [{"type": "text", "text": "What's the weather like in SF?", "cache_control": {"type": "ephemeral"}}]}],
             "extra_params": {"top_k": 5, "safe_prompt": true, "model": "not-this"},
             "usage_context": {"team": "a"}, "client_request_id": "req-1"}
            """u8);

        var chunks = await CollectAsync(await OpenAiClient(fake).StreamChatAsync(request, default));

        var body = Sent(fake);
        Assert.Equal("gpt-4o-2024-08-06", (string?)body["model"]);
        Assert.Equal(5, (int?)body["top_k"]);
        Assert.True((bool?)body["safe_prompt"]);
        Assert.Equal("flex", (string?)body["service_tier"]);
        Assert.True((bool?)body["stream_options"]!["include_usage"]);
        Assert.Null(body["usage_context"]);
        Assert.Null(body["client_request_id"]);
        Assert.Null(body["extra_params"]);
        Assert.Equal(1, (int?)body["messages"]![0]!["x_trace"]!["a"]);
        Assert.Equal("ephemeral", (string?)body["messages"]![0]!["content"]![0]!["cache_control"]!["type"]);
        Assert.Equal($"Bearer {Key}", fake.LastRequest.Headers["authorization"]);
        Assert.Equal("/v1/chat/completions", fake.LastRequest.PathAndQuery);
        Assert.NotNull(chunks[^1].Usage);
        Assert.Empty(chunks[^1].Choices);
    }

    [Fact]
    public async Task NonStream_DropsStreamOptions_AndSendsTheOrganization()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        var request = Recorded("chat_stream_tool_call_strict_dict.sse", stream: false);
        request.StreamOptions = new StreamOptions { IncludeUsage = true };

        var completion = await OpenAiClient(fake, extra: """, "openai_organization": "org-123" """).ChatAsync(request, default);

        var body = Sent(fake);
        Assert.Null(body["stream"]);
        Assert.Null(body["stream_options"]);
        Assert.Equal("org-123", fake.LastRequest.Headers["openai-organization"]);
        Assert.Equal("openai/recorded_responses/chat_nonstream_parse_strict_tools.response.json", fake.LastReplayedFixture);
        Assert.Equal("get_weather", completion.Choices[0].Message!.ToolCalls![0].Function!.Name);
    }

    [Fact]
    public async Task StreamedAndNonStreamed_ToolCallsAgree()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        var client = OpenAiClient(fake);

        var streamed = await ChatCompletionAccumulator.AccumulateAsync(
            await client.StreamChatAsync(Recorded("chat_stream_tool_call_strict_pydantic.sse", stream: true), default));
        var plain = await client.ChatAsync(Recorded("chat_stream_tool_call_strict_pydantic.sse", stream: false), default);

        var call = (ToolCall c) => (c.Function!.Name, c.Function.Arguments);
        Assert.Equal(plain.Choices[0].Message!.ToolCalls!.Select(call), streamed.Choices[0].Message!.ToolCalls!.Select(call));
        Assert.Equal(plain.Usage!.TotalTokens, streamed.Usage!.TotalTokens);
    }

    [Fact]
    public async Task Azure_UsesTheDeploymentUrl_ApiKeyHeader_AndNoModel()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        var client = new OpenAiProvider().CreateClient(
            Model("openai", "gpt-4o", $$"""
                {"openai_api_type": "azure", "openai_api_key": "{{Ref}}", "openai_api_base": "{{fake.BaseUri}}",
                 "openai_deployment_name": "my-gpt4o", "openai_api_version": "2024-10-21"}
                """),
            Context(new Dictionary<string, string> { ["openai_api_key"] = Key }));

        await client.ChatAsync(Recorded("chat_stream_plain_text.sse", stream: false), default);

        Assert.Equal("/openai/deployments/my-gpt4o/chat/completions?api-version=2024-10-21", fake.LastRequest.PathAndQuery);
        Assert.Equal(Key, fake.LastRequest.Headers["api-key"]);
        Assert.False(fake.LastRequest.Headers.ContainsKey("authorization"));
        Assert.Null(Sent(fake)["model"]);
    }

    [Fact]
    public async Task AzureAd_GetsAnEntraToken_CachesIt_AndRenewsItBeforeExpiry()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2025-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var client = new OpenAiProvider().CreateClient(
            Model("openai", "gpt-4o", $$"""
                {"openai_api_type": "azuread", "openai_api_base": "{{fake.BaseUri}}", "openai_deployment_name": "d1",
                 "openai_api_version": "2024-10-21", "microsoft_entra_client_id": "client-1", "microsoft_entra_tenant_id": "tenant-1",
                 "microsoft_entra_client_secret": "{{Ref}}", "microsoft_entra_authority_host": "{{fake.BaseUri}}"}
                """),
            Context(new Dictionary<string, string> { ["microsoft_entra_client_secret"] = "entra-secret-value" }, time));
        var expected = JsonNode.Parse(await File.ReadAllTextAsync(Modelplane.Testing.TestData.PathOf("providers", "openai", "entra_token_response.json")))!["access_token"]!.GetValue<string>();

        await client.ChatAsync(Recorded("chat_stream_plain_text.sse", stream: false), default);
        await client.ChatAsync(Recorded("chat_stream_plain_text.sse", stream: false), default);
        var tokenRequests = fake.Requests.Where(r => r.PathAndQuery == "/tenant-1/oauth2/v2.0/token").ToList();

        Assert.Single(tokenRequests);
        Assert.Contains("grant_type=client_credentials", tokenRequests[0].Body, StringComparison.Ordinal);
        Assert.Contains("client_id=client-1", tokenRequests[0].Body, StringComparison.Ordinal);
        Assert.Contains("scope=" + Uri.EscapeDataString(EntraTokenSource.CognitiveServicesScope), tokenRequests[0].Body, StringComparison.Ordinal);
        Assert.Equal("Bearer " + expected, fake.LastRequest.Headers["authorization"]);

        time.Advance(TimeSpan.FromSeconds(3599));
        await client.ChatAsync(Recorded("chat_stream_plain_text.sse", stream: false), default);
        Assert.Equal(2, fake.Requests.Count(r => r.PathAndQuery == "/tenant-1/oauth2/v2.0/token"));
    }

    [Fact]
    public async Task Custom_ApiKeyAuth_SendsTheNamedHeader()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        var client = new CustomProvider().CreateClient(
            Model("custom", "llama-3-8b", $$"""{"custom_provider_url": "{{fake.ApiBase}}", "api_key_auth": {"key": "X-Api-Key", "value": "{{Ref}}"} }"""),
            Context(new Dictionary<string, string> { ["api_key_auth.value"] = "custom-key-1" }));

        await client.ChatAsync(Recorded("chat_stream_plain_text.sse", stream: false), default);

        Assert.Equal("custom-key-1", fake.LastRequest.Headers["x-api-key"]);
        Assert.Equal("llama-3-8b", (string?)Sent(fake)["model"]);
        Assert.Equal("/v1/chat/completions", fake.LastRequest.PathAndQuery);
    }

    [Fact]
    public async Task Custom_BearerAuth_SendsAuthorization()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.RequireBearer = "custom-token-1";
        var client = new CustomProvider().CreateClient(
            Model("custom", "llama-3-8b", $$"""{"custom_provider_url": "{{fake.ApiBase}}/", "bearer_token_auth": {"token_plaintext": "sealed"} }"""),
            Context(new Dictionary<string, string> { ["bearer_token_auth.token"] = "custom-token-1" }));

        var completion = await client.ChatAsync(Recorded("chat_stream_plain_text.sse", stream: false), default);

        Assert.Equal("/v1/chat/completions", fake.LastRequest.PathAndQuery);
        Assert.StartsWith("I'm unable", completion.Choices[0].Message!.Content!.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Databricks_CallsServingEndpointsWithTheToken()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.RequireBearer = "dapi-123";
        var client = new DatabricksModelServingProvider().CreateClient(
            Model("databricks-model-serving", "remote-endpoint", $$"""{"databricks_workspace_url": "{{fake.BaseUri}}", "databricks_api_token": "{{Ref}}"}"""),
            Context(new Dictionary<string, string> { ["databricks_api_token"] = "dapi-123" }));

        await client.ChatAsync(Recorded("chat_stream_plain_text.sse", stream: false), default);

        Assert.Equal("/serving-endpoints/chat/completions", fake.LastRequest.PathAndQuery);
        Assert.Equal("remote-endpoint", (string?)Sent(fake)["model"]);
    }

    [Fact]
    public async Task Completions_And_Embeddings_UseTheirRoutes()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        var client = OpenAiClient(fake);

        var completion = await client.CompleteAsync(LlmJson.Deserialize<CompletionRequest>("""{"prompt": "Say this is a test", "max_tokens": 7, "usage_context": {"a": "b"}}"""u8), default);
        Assert.Equal("\n\nThis is indeed a test", completion.Choices[0].Text);
        Assert.Null(Sent(fake)["usage_context"]);

        var streamed = await CollectAsync(await client.StreamCompleteAsync(LlmJson.Deserialize<CompletionRequest>("""{"prompt": "Say this is a test"}"""u8), default));
        Assert.Equal("This", streamed[0].Choices[0].Text);
        Assert.True((bool?)Sent(fake)["stream_options"]!["include_usage"]);

        var embeddings = await client.EmbedAsync(LlmJson.Deserialize<EmbeddingRequest>("""{"input": "The food was delicious and the waiter...", "encoding_format": "base64"}"""u8), default);
        Assert.Null(Sent(fake)["encoding_format"]);
        Assert.Equal("/v1/embeddings", fake.LastRequest.PathAndQuery);
        Assert.Equal(JsonValueKind.Array, embeddings.Data[0].Embedding.ValueKind);
        Assert.Equal(8, embeddings.Usage!.PromptTokens);
    }

    [Fact]
    public async Task Upstream401_Becomes502_WithoutTheKey()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.RequireBearer = "sk-right";

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => OpenAiClient(fake, key: "sk-wrong").ChatAsync(Recorded("chat_stream_plain_text.sse", false), default));

        Assert.Equal(502, ex.StatusCode);
        Assert.Contains("Incorrect API key provided", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-wrong", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upstream400_Stays400_WithTheProvidersMessage()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.EnqueueFailure(400, "context_length_exceeded");

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => OpenAiClient(fake).ChatAsync(Recorded("chat_stream_plain_text.sse", false), default));

        Assert.Equal(400, ex.StatusCode);
        Assert.Contains("maximum context length is 128000 tokens", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upstream429_KeepsRetryAfter()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.EnqueueFailure(429, "rate_limit_exceeded", retryAfterSeconds: 7);

        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => OpenAiClient(fake).StreamChatAsync(Recorded("chat_stream_plain_text.sse", true), default));

        Assert.Equal(429, ex.StatusCode);
        Assert.Equal(ErrorCode.RequestLimitExceeded, ex.ErrorCode);
        Assert.Equal(7, ex.RetryAfterSeconds);
    }

    [Fact]
    public async Task BrokenStream_ThrowsAfterTheChunksAlreadyYielded()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.BreakStreamAfterEvents = 3;
        var chunks = new List<ChatCompletionChunk>();

        var stream = await OpenAiClient(fake).StreamChatAsync(Recorded("chat_stream_plain_text.sse", true), default);
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => CollectAsync(stream, chunks));

        Assert.Equal(502, ex.StatusCode);
        Assert.Equal(3, chunks.Count);
    }

    [Fact]
    public async Task ErrorEventMidStream_Throws502WithTheUpstreamMessage()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.StreamErrorAfterEvents = 2;
        var chunks = new List<ChatCompletionChunk>();

        var stream = await OpenAiClient(fake).StreamChatAsync(Recorded("chat_stream_plain_text.sse", true), default);
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => CollectAsync(stream, chunks));

        Assert.Equal(502, ex.StatusCode);
        Assert.Contains("The server had an error while processing your request", ex.Message, StringComparison.Ordinal);
        Assert.Equal(2, chunks.Count);
    }

    [Fact]
    public async Task EarlyChunksArrive_BeforeTheStreamEnds()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.HoldBeforeLastEvent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = await OpenAiClient(fake).StreamChatAsync(Recorded("chat_stream_plain_text.sse", true), default);
        var chunks = new List<ChatCompletionChunk>();

        await using (var e = stream.GetAsyncEnumerator())
        {
            while (chunks.Count < 33 && await e.MoveNextAsync())
            {
                chunks.Add(e.Current);
            }

            Assert.NotNull(chunks[^1].Usage);
            fake.HoldBeforeLastEvent.SetResult();
            Assert.False(await e.MoveNextAsync());
        }
    }

    [Fact]
    public async Task DisposingTheEnumerator_ClosesTheUpstream()
    {
        await using var fake = await FakeOpenAi.StartAsync();
        fake.HoldBeforeLastEvent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = await OpenAiClient(fake).StreamChatAsync(Recorded("chat_stream_plain_text.sse", true), default);

        await using (var e = stream.GetAsyncEnumerator())
        {
            Assert.True(await e.MoveNextAsync());
        }

        await fake.StreamAborted.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(fake.StreamAborted.IsCompletedSuccessfully);
    }
}
