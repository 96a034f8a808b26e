using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Modelplane.Core.Governance;
using Modelplane.Server.Hosting;
using Modelplane.Server.Tests.Secrets;
using Modelplane.Testing.Gguf;

namespace Modelplane.Server.Tests.LocalModels;

/// <summary>
/// A real node on Kestrel (127.0.0.1, ephemeral port) serving local foundation models from real worker processes:
/// <c>arctic</c> (system.ai.arctic_embed_xs, adaptive batching up to 32 inputs), <c>minilm</c>
/// (system.ai.all_minilm_l6_v2, no batching) and <c>tiny-chat</c> (a random-weight llama GGUF written by
/// <see cref="TinyGguf"/>, registered as a bare <c>.gguf</c> upload as <c>main.default.tiny_llm</c>).
/// </summary>
public sealed class LocalModelsNode : IAsyncLifetime
{
    private WebApplication? app;

    /// <summary>The temp data dir.</summary>
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "modelplane-local-" + Guid.NewGuid().ToString("N"));

    /// <summary>The tiny GGUF that <c>tiny-chat</c> serves.</summary>
    public string TinyGgufPath => Path.Combine(DataDir, "..", Path.GetFileName(DataDir) + "-tiny.gguf");

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
        var builder = ModelplaneNode.CreateBuilder(new NodeOptions { DataDir = DataDir, Args = ["--Logging:LogLevel:Default=Information"] });
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.AddProvider(Log);
        app = ModelplaneNode.Build(builder);
        await app.StartAsync();
        BaseUri = new Uri(app.Urls.First());
        AdminToken = (await File.ReadAllTextAsync(Path.Combine(DataDir, TokenService.AdminTokenFile))).Trim();
        Admin = new HttpClient { BaseAddress = BaseUri, Timeout = TimeSpan.FromMinutes(3) };
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminToken);

        TinyGguf.Write(TinyGgufPath);
        var registered = await RegisterGgufAsync("main.default.tiny_llm", TinyGgufPath);
        Assert.True(registered.IsSuccessStatusCode, await registered.Content.ReadAsStringAsync());
        await Task.WhenAll(
            CreateAsync("arctic", Entity("system.ai.arctic_embed_xs", "1", batch: 32)),
            CreateAsync("minilm", Entity("system.ai.all_minilm_l6_v2", "1")),
            CreateAsync("tiny-chat", Entity("main.default.tiny_llm", "1")));
    }

    /// <summary>A served entity for a registered model version.</summary>
    public static JsonObject Entity(string model, string version, int? batch = null)
    {
        var entity = new JsonObject { ["entity_name"] = model, ["entity_version"] = version, ["workload_size"] = "Small", ["scale_to_zero_enabled"] = false };
        if (batch is { } rows)
        {
            entity["max_batch_size"] = rows;
            entity["max_batch_delay_ms"] = 5;
        }

        return entity;
    }

    /// <summary>Uploads a file as a new version of <paramref name="model"/> (bare-file registration).</summary>
    public async Task<HttpResponseMessage> RegisterGgufAsync(string model, string path)
    {
        using var content = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(path)), "file", Path.GetFileName(path) } };
        return await Admin.PostAsync($"/api/2.1/unity-catalog/models/{model}/versions", content);
    }

    /// <summary>Creates an endpoint and waits until it is READY (or, with <paramref name="expectFailure"/>, UPDATE_FAILED).</summary>
    public async Task CreateAsync(string name, JsonObject entity, bool expectFailure = false)
    {
        var body = new JsonObject { ["name"] = name, ["config"] = new JsonObject { ["served_entities"] = new JsonArray(entity) } };
        var response = await Admin.PostAsJsonAsync("/api/2.0/serving-endpoints", body);
        Assert.True(response.IsSuccessStatusCode, $"create {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        for (var i = 0; i < 2400; i++)
        {
            var state = (await Admin.GetFromJsonAsync<JsonObject>($"/api/2.0/serving-endpoints/{name}"))!["state"]!;
            if ((string?)state["config_update"] == "UPDATE_FAILED")
            {
                Assert.True(expectFailure, $"Endpoint {name} failed to load: {await BuildLogsAsync(name, (string)entity["entity_name"]!)}");
                return;
            }

            if ((string?)state["ready"] == "READY" && (string?)state["config_update"] == "NOT_UPDATING")
            {
                Assert.False(expectFailure, $"Endpoint {name} became READY.");
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"Endpoint {name} did not settle.");
    }

    /// <summary>The build log of the endpoint's only served entity.</summary>
    public async Task<string> BuildLogsAsync(string endpoint, string model)
    {
        var config = (await Admin.GetFromJsonAsync<JsonObject>($"/api/2.0/serving-endpoints/{endpoint}"))!;
        var entities = (config["pending_config"] ?? config["failed_config"] ?? config["config"])?["served_entities"] as JsonArray;
        var entity = (string?)entities?[0]?["name"] ?? model.Split('.')[^1] + "-1";
        return await Admin.GetStringAsync($"/api/2.0/serving-endpoints/{endpoint}/served-models/{entity}/build-logs");
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

        Directory.Delete(DataDir, recursive: true);
        File.Delete(TinyGgufPath);
    }
}

/// <summary>One node for every local-model test class.</summary>
[CollectionDefinition(Name)]
public sealed class LocalModelsCollection : ICollectionFixture<LocalModelsNode>
{
    /// <summary>The collection name.</summary>
    public const string Name = "local models";
}
