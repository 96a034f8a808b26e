using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Modelplane.Testing.Providers;

namespace Modelplane.Server.Tests.Gateway;

/// <summary>
/// External-model configs: the Databricks block shape, validation naming the field, the egress policy at config time,
/// credentials never shown or stored in clear (the plaintext key is looked for in every answer, log line and file of
/// the data dir), secret references, and fallbacks across served entities in list order.
/// </summary>
public sealed class ExternalModelConfigTests(GatewayNode node) : IClassFixture<GatewayNode>
{
    private async Task<(HttpStatusCode Status, JsonObject Body)> CreateRawAsync(JsonObject body)
    {
        var response = await node.Admin.PostAsJsonAsync("/api/2.0/serving-endpoints", body);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    private static JsonObject Endpoint(string name, JsonObject externalModel) => new()
    {
        ["name"] = name,
        ["config"] = new JsonObject { ["served_entities"] = new JsonArray(new JsonObject { ["name"] = "e", ["external_model"] = externalModel }) },
    };

    [Theory]
    [InlineData("""{"provider": "nope", "name": "m", "task": "llm/v1/chat"}""", "served_entities[0].external_model.provider 'nope' is unknown")]
    [InlineData("""{"provider": "openai", "name": "m", "task": "llm/v1/chat"}""", "served_entities[0].external_model.openai_config is required")]
    [InlineData("""{"provider": "openai", "name": "m", "task": "llm/v2/chat", "openai_config": {"openai_api_key_plaintext": "k"}}""", "served_entities[0].external_model.task")]
    [InlineData("""{"provider": "anthropic", "name": "m", "task": "llm/v1/embeddings", "anthropic_config": {"anthropic_api_key_plaintext": "k"}}""", "served_entities[0].external_model.task")]
    [InlineData("""{"provider": "openai", "name": "m", "task": "llm/v1/chat", "anthropic_config": {}}""", "served_entities[0].external_model.anthropic_config does not belong")]
    [InlineData("""{"provider": "openai", "name": "m", "task": "llm/v1/chat", "openai_config": {"openai_api_key": "sk-clear", "openai_api_base": "http://127.0.0.1:9/v1"}}""", "openai_api_key must be a secret reference")]
    [InlineData("""{"provider": "openai", "name": "m", "task": "llm/v1/chat", "openai_config": {"openai_api_key_plaintext": "k", "openai_api_base": "http://169.254.169.254/v1"}}""", "egress")]
    [InlineData("""{"provider": "custom", "name": "m", "task": "llm/v1/chat", "custom_provider_config": {"custom_provider_url": "http://127.0.0.1:9/v1"}}""", "custom_provider_config")]
    [InlineData("""{"provider": "anthropic", "name": "m", "task": "llm/v1/chat", "anthropic_config": {"anthropic_api_key_plaintext": "k", "anthropic_api_bse": "http://127.0.0.1:9"}}""", "Unknown field 'anthropic_api_bse' at 'served_entities[0].external_model.anthropic_config'")]
    [InlineData("""{"provider": "openai", "name": "m", "task": "llm/v1/chat", "openai_config": {"openai_api_key": "{{secret/s/k}}"}}""", "is not a valid secret reference")]
    public async Task Bad_external_model_blocks_are_refused_naming_the_field(string block, string expected)
    {
        var (status, body) = await CreateRawAsync(Endpoint("bad-" + Guid.NewGuid().ToString("N")[..8], JsonNode.Parse(block)!.AsObject()));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, (string?)body["message"], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task An_endpoint_cannot_mix_external_and_registered_models_or_switch_between_them()
    {
        using var zip = new MemoryStream();
        System.IO.Compression.ZipFile.CreateFromDirectory(IrisNodeFixture.IrisModelDir, zip, System.IO.Compression.CompressionLevel.Fastest, includeBaseDirectory: false);
        using var content = new MultipartFormDataContent { { new ByteArrayContent(zip.ToArray()), "file", "model.zip" } };
        var registered = await node.Admin.PostAsync("/api/2.1/unity-catalog/models/main.default.iris/versions", content);
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        var entity = GatewayNode.OpenAiEntity("a", "gpt-4o", "llm/v1/chat", node.OpenAi);
        var body = new JsonObject
        {
            ["name"] = "mixed",
            ["config"] = new JsonObject { ["served_entities"] = new JsonArray(entity, new JsonObject { ["entity_name"] = "main.default.iris", ["entity_version"] = "1" }) },
        };
        var (status, error) = await CreateRawAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("mixes tensor models and LLMs", (string?)error["message"], StringComparison.Ordinal);

        var update = await node.Admin.PutAsJsonAsync("/api/2.0/serving-endpoints/gpt/config", new JsonObject
        {
            ["served_entities"] = new JsonArray(new JsonObject { ["entity_name"] = "main.default.iris", ["entity_version"] = "1" }),
        });
        Assert.Equal(HttpStatusCode.BadRequest, update.StatusCode);
        Assert.Contains("cannot change what it serves", await update.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plaintext_credentials_are_never_shown_logged_or_stored_in_clear()
    {
        var get = await node.Admin.GetStringAsync("/api/2.0/serving-endpoints/gpt");
        var list = await node.Admin.GetStringAsync("/api/2.0/serving-endpoints");
        var config = JsonNode.Parse(get)!["config"]!["served_entities"]![0]!["external_model"]!;

        Assert.Equal("openai", (string?)config["provider"]);
        Assert.Null(config["openai_config"]!["openai_api_key_plaintext"]);
        Assert.Equal(node.OpenAi.ApiBase.ToString(), (string?)config["openai_config"]!["openai_api_base"]);
        Assert.Equal("Bearer " + GatewayNode.OpenAiKey, node.OpenAi.Requests.Count > 0 ? node.OpenAi.Requests[0].Headers["authorization"] : await FirstCallAuthorizationAsync());
        foreach (var secret in (string[])[GatewayNode.OpenAiKey, GatewayNode.AnthropicKey])
        {
            Assert.DoesNotContain(secret, get, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, list, StringComparison.Ordinal);
            Assert.DoesNotContain(node.Log.Lines, l => l.Contains(secret, StringComparison.Ordinal));
            foreach (var file in Directory.EnumerateFiles(node.DataDir, "*", SearchOption.AllDirectories))
            {
                var bytes = await ReadSharedAsync(file);
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"{file} holds a credential in clear.");
            }
        }
    }

    [Fact]
    public async Task A_secret_reference_is_resolved_and_a_missing_secret_is_refused()
    {
        var scope = "gw-" + Guid.NewGuid().ToString("N")[..8];
        Assert.True((await node.Admin.PostAsJsonAsync("/api/2.0/secrets/scopes/create", new { scope })).IsSuccessStatusCode);
        // As `echo key | modelplane secrets put-secret` stores it: with a trailing newline, which no header may carry.
        Assert.True((await node.Admin.PostAsJsonAsync("/api/2.0/secrets/put", new { scope, key = "openai", string_value = GatewayNode.OpenAiKey + "\n" })).IsSuccessStatusCode);
        var referenced = GatewayNode.OpenAiEntity("ref", "gpt-4o-2024-08-06", "llm/v1/chat", node.OpenAi);
        var openai = referenced["external_model"]!["openai_config"]!.AsObject();
        openai.Remove("openai_api_key_plaintext");
        openai["openai_api_key"] = $"{{{{secrets/{scope}/openai}}}}";
        await node.CreateAsync("ref-" + scope, referenced);

        var answer = await node.Admin.PostAsJsonAsync($"/serving-endpoints/ref-{scope}/invocations", new { messages = new[] { new { role = "user", content = "hi" } } });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var shown = await node.Admin.GetStringAsync($"/api/2.0/serving-endpoints/ref-{scope}");
        Assert.Contains($"{{{{secrets/{scope}/openai}}}}", shown, StringComparison.Ordinal);

        openai["openai_api_key"] = $"{{{{secrets/{scope}/missing}}}}";
        var (status, error) = await CreateRawAsync(new JsonObject { ["name"] = "ref2-" + scope, ["config"] = new JsonObject { ["served_entities"] = new JsonArray(referenced.DeepClone()) } });
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("missing", (string?)error["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fallback_tries_the_other_entities_in_list_order_on_5xx_and_429()
    {
        await using var failing = await FakeOpenAi.StartAsync();
        failing.RequireBearer = GatewayNode.OpenAiKey;
        await node.CreateAsync("fb", new JsonArray(new JsonObject { ["served_entity_name"] = "first", ["traffic_percentage"] = 100 }, new JsonObject { ["served_entity_name"] = "second", ["traffic_percentage"] = 0 }),
            new JsonObject { ["fallback_config"] = new JsonObject { ["enabled"] = true } },
            [GatewayNode.OpenAiEntity("first", "gpt-4o", "llm/v1/chat", failing), node.AnthropicEntity("second", "claude-3-opus-latest")]);
        for (var i = 0; i < 3; i++)
        {
            failing.EnqueueFailure(400 + 129, "server_error"); // 529 never retried by the client's policy? It is 5xx: retried, so queue enough.
        }

        var response = await node.Admin.PostAsJsonAsync("/serving-endpoints/fb/invocations", new { messages = new[] { new { role = "user", content = "Say hello there!" } } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("second", response.Headers.GetValues("served-model-name").Single());
        Assert.True(failing.Requests.Count >= 1);
        var shown = JsonNode.Parse(await node.Admin.GetStringAsync("/api/2.0/serving-endpoints/fb"))!;
        Assert.True((bool)shown["ai_gateway"]!["fallback_config"]!["enabled"]!);
    }

    [Fact]
    public async Task Without_fallback_the_entity_error_reaches_the_caller()
    {
        await using var failing = await FakeOpenAi.StartAsync();
        await node.CreateAsync("nofb", GatewayNode.OpenAiEntity("only", "gpt-4o", "llm/v1/chat", failing));
        failing.EnqueueFailure(401, "invalid_api_key");

        var response = await node.Admin.PostAsJsonAsync("/serving-endpoints/nofb/invocations", new { messages = new[] { new { role = "user", content = "hi" } } });
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal("TEMPORARILY_UNAVAILABLE", (string?)body!["error_code"]);
        Assert.DoesNotContain(GatewayNode.OpenAiKey, (string?)body["message"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_config_update_that_changes_the_upstream_reloads_the_entity()
    {
        await using var first = await FakeOpenAi.StartAsync();
        await using var second = await FakeOpenAi.StartAsync();
        await node.CreateAsync("upd", GatewayNode.OpenAiEntity("chat", "gpt-4o", "llm/v1/chat", first));
        var update = await node.Admin.PutAsJsonAsync("/api/2.0/serving-endpoints/upd/config", new JsonObject
        {
            ["served_entities"] = new JsonArray(GatewayNode.OpenAiEntity("chat", "gpt-4o", "llm/v1/chat", second)),
        });
        Assert.True(update.IsSuccessStatusCode, await update.Content.ReadAsStringAsync());
        for (var i = 0; i < 600; i++)
        {
            var state = JsonNode.Parse(await node.Admin.GetStringAsync("/api/2.0/serving-endpoints/upd"))!;
            if ((string?)state["state"]!["config_update"] == "NOT_UPDATING" && (int?)state["config"]!["config_version"] == 2)
            {
                break;
            }

            await Task.Delay(50);
        }

        var response = await node.Admin.PostAsJsonAsync("/serving-endpoints/upd/invocations", new { messages = new[] { new { role = "user", content = "hi" } } });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(second.Requests);
        Assert.Empty(first.Requests);
    }

    private async Task<string> FirstCallAuthorizationAsync()
    {
        await node.Admin.PostAsJsonAsync("/serving-endpoints/gpt/invocations", new { messages = new[] { new { role = "user", content = "hi" } } });
        return node.OpenAi.Requests[0].Headers["authorization"];
    }

    private static async Task<byte[]> ReadSharedAsync(string path)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }
}
