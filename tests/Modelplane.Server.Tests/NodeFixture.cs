using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Modelplane.Server.Hosting;

namespace Modelplane.Server.Tests;

/// <summary>
/// A real node (the whole ASP.NET Core pipeline, real SQLite in a temp data dir, real ONNX Runtime) on the in-memory
/// test server, with an HTTP client that carries the bootstrap admin token.
/// </summary>
public sealed class NodeFixture : IAsyncLifetime
{
    private WebApplication? app;

    /// <summary>The temp data dir.</summary>
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "modelplane-test-" + Guid.NewGuid().ToString("N"));

    /// <summary>A client with the admin token.</summary>
    public HttpClient Client { get; private set; } = null!;

    /// <summary>A client without credentials.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    /// <summary>The admin token.</summary>
    public string Token { get; private set; } = "";

    /// <summary>Extra configuration arguments (e.g. <c>--Modelplane:MaxQueryBytes=1000</c>).</summary>
    public string[] Args { get; init; } = ["--Modelplane:Serving:AliasPollSeconds=0.2"];

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var builder = ModelplaneNode.CreateBuilder(new NodeOptions { DataDir = DataDir, Args = Args });
        builder.WebHost.UseTestServer();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        app = ModelplaneNode.Build(builder);
        await app.StartAsync();
        Token = (await File.ReadAllTextAsync(Path.Combine(DataDir, "admin-token"))).Trim();
        Anonymous = app.GetTestClient();
        Client = app.GetTestClient();
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (app is not null)
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        Directory.Delete(DataDir, recursive: true);
    }

    /// <summary>The node's services.</summary>
    public IServiceProvider Services => app!.Services;

    /// <summary>Registers a model version from a .onnx file or an MLflow directory (zipped on the fly); returns the version JSON.</summary>
    public async Task<JsonObject> RegisterAsync(string fullName, string path, HttpStatusCode expect = HttpStatusCode.OK)
    {
        using var content = new MultipartFormDataContent();
        var bytes = Directory.Exists(path) ? Zip(path) : await File.ReadAllBytesAsync(path);
        content.Add(new ByteArrayContent(bytes), "file", Directory.Exists(path) ? Path.GetFileName(path) + ".zip" : Path.GetFileName(path));
        var response = await Client.PostAsync($"/api/2.1/unity-catalog/models/{fullName}/versions", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expect, $"register {fullName}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!.AsObject();
    }

    /// <summary>Creates an endpoint serving one entity and waits until it is ready.</summary>
    /// <param name="endpoint">Endpoint name.</param>
    /// <param name="fullName">Registered model.</param>
    /// <param name="version">Version or alias.</param>
    /// <param name="timeout">How long to wait for readiness (default 60 s).</param>
    /// <param name="scaleToZero">Serve with <c>scale_to_zero_enabled</c>, so an idle entity's worker process stops.</param>
    public async Task<JsonObject> ServeAsync(string endpoint, string fullName, string version = "1", TimeSpan? timeout = null, bool scaleToZero = false)
    {
        var create = await Client.PostAsJsonAsync("/api/2.0/serving-endpoints", new
        {
            name = endpoint,
            config = new { served_entities = new[] { new { entity_name = fullName, entity_version = version, scale_to_zero_enabled = scaleToZero } } },
        });
        Assert.True(create.IsSuccessStatusCode, await create.Content.ReadAsStringAsync());
        return await WaitAsync(endpoint, timeout);
    }

    /// <summary>Polls GET until the endpoint's update leaves IN_PROGRESS; returns the endpoint JSON.</summary>
    public async Task<JsonObject> WaitAsync(string endpoint, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (true)
        {
            var json = (await Client.GetFromJsonAsync<JsonObject>($"/api/2.0/serving-endpoints/{endpoint}"))!;
            var update = json["state"]!["config_update"]!.GetValue<string>();
            if (update != "IN_PROGRESS")
            {
                return json;
            }

            Assert.True(DateTime.UtcNow < deadline, $"endpoint {endpoint} still updating: {json}");
            await Task.Delay(50);
        }
    }

    /// <summary>POSTs JSON text and returns status and parsed body.</summary>
    public async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> PostAsync(string path, string json, string contentType = "application/json")
    {
        using var content = new StringContent(json);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        var response = await Client.PostAsync(path, content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    private static byte[] Zip(string dir)
    {
        using var memory = new MemoryStream();
        ZipFile.CreateFromDirectory(dir, memory, CompressionLevel.Fastest, includeBaseDirectory: false);
        return memory.ToArray();
    }
}

/// <summary>Shares one node across a test class.</summary>
[CollectionDefinition(Name)]
public sealed class NodeCollection : ICollectionFixture<NodeFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "node";
}
