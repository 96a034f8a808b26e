using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Modelplane.Core.Governance;
using Modelplane.Server.Hosting;
using Modelplane.Server.Tests.Secrets;
using Modelplane.Testing.Providers;

namespace Modelplane.Server.Tests.Gateway;

/// <summary>
/// A real node on Kestrel (127.0.0.1, ephemeral port) in front of wire-level fake providers on loopback: endpoint
/// <c>gpt</c> (provider <c>openai</c> → <see cref="FakeOpenAi"/>), <c>claude</c> (<c>anthropic</c> →
/// <see cref="FakeAnthropic"/>), <c>emb</c> (OpenAI embeddings) and <c>instruct</c> (OpenAI completions). Credentials
/// are given as <c>*_plaintext</c> values (<see cref="OpenAiKey"/>, <see cref="AnthropicKey"/>) that the fakes require,
/// so a request that reaches a fake proves the sealed key was opened and sent. Every log line is kept in <see cref="Log"/>.
/// </summary>
public sealed class GatewayNode : IAsyncLifetime
{
    /// <summary>The OpenAI key given in clear in the config (and required by the fake).</summary>
    public const string OpenAiKey = "sk-modelplane-test-0f3c9a7e5b1d4c2a8e6f";

    /// <summary>The Anthropic key given in clear in the config (and required by the fake).</summary>
    public const string AnthropicKey = "sk-ant-modelplane-test-7d2e4b9c1a3f5e8d";

    private WebApplication? app;

    /// <summary>The temp data dir.</summary>
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "modelplane-gateway-" + Guid.NewGuid().ToString("N"));

    /// <summary>The fake OpenAI upstream.</summary>
    public FakeOpenAi OpenAi { get; private set; } = null!;

    /// <summary>The fake Anthropic upstream.</summary>
    public FakeAnthropic Anthropic { get; private set; } = null!;

    /// <summary>The node's base URI.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The admin's token.</summary>
    public string AdminToken { get; private set; } = "";

    /// <summary>A client with the admin token, base address <see cref="BaseUri"/>.</summary>
    public HttpClient Admin { get; private set; } = null!;

    /// <summary>Everything the node logged.</summary>
    public LogSink Log { get; } = new();

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        OpenAi = await FakeOpenAi.StartAsync();
        OpenAi.RequireBearer = OpenAiKey;
        Anthropic = await FakeAnthropic.StartAsync();
        Anthropic.RequireApiKey = AnthropicKey;

        var builder = ModelplaneNode.CreateBuilder(new NodeOptions
        {
            DataDir = DataDir,
            Args = ["--Logging:LogLevel:Default=Debug", "--Modelplane:Upstream:MaxRetryAfterSeconds=2"],
        });
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.AddProvider(Log);
        app = ModelplaneNode.Build(builder);
        await app.StartAsync();
        BaseUri = new Uri(app.Urls.First());
        AdminToken = (await File.ReadAllTextAsync(Path.Combine(DataDir, TokenService.AdminTokenFile))).Trim();
        Admin = new HttpClient { BaseAddress = BaseUri };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);

        await CreateAsync("gpt", OpenAiEntity("gpt", "gpt-4o-2024-08-06", "llm/v1/chat", OpenAi));
        await CreateAsync("claude", AnthropicEntity("claude", "claude-3-opus-latest"));
        await CreateAsync("emb", OpenAiEntity("emb", "text-embedding-ada-002", "llm/v1/embeddings", OpenAi));
        await CreateAsync("instruct", OpenAiEntity("instruct", "gpt-3.5-turbo-instruct", "llm/v1/completions", OpenAi));
    }

    /// <summary>A served entity for provider <c>openai</c> pointed at <paramref name="fake"/>.</summary>
    public static JsonObject OpenAiEntity(string name, string model, string task, FakeOpenAi fake) => new()
    {
        ["name"] = name,
        ["external_model"] = new JsonObject
        {
            ["provider"] = "openai",
            ["name"] = model,
            ["task"] = task,
            ["openai_config"] = new JsonObject { ["openai_api_key_plaintext"] = OpenAiKey, ["openai_api_base"] = fake.ApiBase.ToString() },
        },
    };

    /// <summary>A served entity for provider <c>anthropic</c> pointed at the fake.</summary>
    public JsonObject AnthropicEntity(string name, string model) => new()
    {
        ["name"] = name,
        ["external_model"] = new JsonObject
        {
            ["provider"] = "anthropic",
            ["name"] = model,
            ["task"] = "llm/v1/chat",
            ["anthropic_config"] = new JsonObject { ["anthropic_api_key_plaintext"] = AnthropicKey, ["anthropic_api_base"] = Anthropic.BaseUri.ToString() },
        },
    };

    /// <summary>Creates an endpoint with these served entities (and, optionally, routes and ai_gateway) and waits until it is READY.</summary>
    public async Task CreateAsync(string name, JsonObject entity, params JsonObject[] more) => await CreateAsync(name, null, null, [entity, .. more]);

    /// <summary>Creates an endpoint and waits until it is READY.</summary>
    public async Task CreateAsync(string name, JsonArray? routes, JsonObject? aiGateway, JsonObject[] entities)
    {
        var config = new JsonObject { ["served_entities"] = new JsonArray([.. entities]) };
        if (routes is not null)
        {
            config["traffic_config"] = new JsonObject { ["routes"] = routes };
        }

        var body = new JsonObject { ["name"] = name, ["config"] = config };
        if (aiGateway is not null)
        {
            body["ai_gateway"] = aiGateway;
        }

        var response = await Admin.PostAsJsonAsync("/api/2.0/serving-endpoints", body);
        Assert.True(response.IsSuccessStatusCode, $"create {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        for (var i = 0; i < 600; i++)
        {
            var state = (await Admin.GetFromJsonAsync<JsonObject>($"/api/2.0/serving-endpoints/{name}"))!["state"]!;
            if ((string?)state["ready"] == "READY")
            {
                return;
            }

            Assert.NotEqual("UPDATE_FAILED", (string?)state["config_update"]);
            await Task.Delay(50);
        }

        Assert.Fail($"Endpoint {name} did not become READY.");
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        await OpenAi.DisposeAsync();
        await Anthropic.DisposeAsync();
        Directory.Delete(DataDir, recursive: true);
    }
}
