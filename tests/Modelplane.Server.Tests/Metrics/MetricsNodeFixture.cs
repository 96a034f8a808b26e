using System.IO.Compression;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Modelplane.Core.Governance;
using Modelplane.Core.Storage;
using Modelplane.Server.Hosting;
using Modelplane.Server.Metrics;
using Modelplane.Testing.Prometheus;

namespace Modelplane.Server.Tests.Metrics;

/// <summary>
/// A real node (as <see cref="NodeFixture"/>) with the metrics services and routes added the way the node composes
/// them (<see cref="ServingMetricsRecording.AddModelplaneMetrics"/>, <see cref="MetricsApi.MapMetricsApi"/>; each only
/// when the node does not already), serving the committed Iris model as endpoint <c>iris</c>, with clients for the
/// admin, a non-admin user and nobody.
/// </summary>
public sealed class MetricsNodeFixture : IAsyncLifetime
{
    private WebApplication? app;

    /// <summary>The temp data dir.</summary>
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "modelplane-test-" + Guid.NewGuid().ToString("N"));

    /// <summary>A client with the admin token.</summary>
    public HttpClient Admin { get; private set; } = null!;

    /// <summary>A client with a non-admin user's token.</summary>
    public HttpClient User { get; private set; } = null!;

    /// <summary>A client without credentials.</summary>
    public HttpClient Anonymous { get; private set; } = null!;

    /// <summary>The node's services.</summary>
    public IServiceProvider Services => app!.Services;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var builder = ModelplaneNode.CreateBuilder(new NodeOptions { DataDir = DataDir, Args = ["--Modelplane:Serving:AliasPollSeconds=0.2"] });
        builder.WebHost.UseTestServer();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddModelplaneMetrics();
        app = ModelplaneNode.Build(builder);
        if (!((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).OfType<RouteEndpoint>().Any(e => e.RoutePattern.RawText == "/metrics"))
        {
            app.MapMetricsApi();
        }

        await app.StartAsync();
        Admin = Client((await File.ReadAllTextAsync(Path.Combine(DataDir, TokenService.AdminTokenFile))).Trim());
        User = Client(await MintUserTokenAsync());
        Anonymous = app.GetTestClient();
        await RegisterIrisAsync();
        await ServeIrisAsync();
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

    /// <summary>GETs a metrics route as <paramref name="client"/>, checks status 200 and the content type, and parses the body strictly.</summary>
    public static async Task<PrometheusDocument> ScrapeAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode} {text}");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType!.ToString());
        await Promtool.CheckIfInstalledAsync(text);
        return PrometheusText.Parse(text);
    }

    /// <summary>POSTs JSON text as the admin; returns the status.</summary>
    public async Task<HttpStatusCode> PostAsync(string path, string json)
    {
        using var content = new StringContent(json);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        using var response = await Admin.PostAsync(path, content);
        return response.StatusCode;
    }

    private HttpClient Client(string token)
    {
        var client = app!.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<string> MintUserTokenAsync()
    {
        await using var scope = app!.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        var user = new PrincipalEntity { Id = Guid.NewGuid().ToString("N"), Name = "viewer@example.com", IsAdmin = false };
        db.Principals.Add(user);
        await db.SaveChangesAsync();
        var (token, _) = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(user.Id, "metrics tests", null, default);
        return token;
    }

    private async Task RegisterIrisAsync()
    {
        using var zip = new MemoryStream();
        ZipFile.CreateFromDirectory(IrisNodeFixture.IrisModelDir, zip, CompressionLevel.Fastest, includeBaseDirectory: false);
        using var content = new MultipartFormDataContent { { new ByteArrayContent(zip.ToArray()), "file", "model.zip" } };
        var response = await Admin.PostAsync("/api/2.1/unity-catalog/models/main.default.iris/versions", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task ServeIrisAsync()
    {
        var create = await Admin.PostAsJsonAsync("/api/2.0/serving-endpoints", new
        {
            name = "iris",
            config = new { served_entities = new[] { new { entity_name = "main.default.iris", entity_version = "1" } } },
        });
        Assert.True(create.IsSuccessStatusCode, await create.Content.ReadAsStringAsync());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var json = (await Admin.GetFromJsonAsync<JsonObject>("/api/2.0/serving-endpoints/iris"))!;
            if (json["state"]!["config_update"]!.GetValue<string>() != "IN_PROGRESS")
            {
                Assert.True(json["state"]!["ready"]!.GetValue<string>() == "READY", json.ToJsonString());
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"endpoint iris still updating: {json}");
            await Task.Delay(50);
        }
    }
}
