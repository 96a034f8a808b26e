using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Modelplane.Core.Governance;
using Modelplane.Core.Governance.Guardrails;
using Modelplane.Core.Serving;
using Modelplane.Core.Storage;
using Modelplane.Server.Hosting;

namespace Modelplane.Server.Tests.Guardrails;

/// <summary>
/// A real node on Kestrel in front of a <see cref="ScriptedOpenAi"/>, with the safety judge set to endpoint
/// <c>judge</c> (<c>Modelplane:Guardrails:SafetyJudgeEndpoint</c>). The judge answers <c>unsafe: violence</c> when the
/// judged text mentions "hurt", else <c>safe</c>; other requests get <see cref="Answer"/>. AI Gateways are set the
/// way the PUT API will: row JSON, version bump, <see cref="EndpointRollout.RefreshGatewayAsync"/>.
/// </summary>
public sealed class GuardrailNode : IAsyncLifetime
{
    private WebApplication? app;

    /// <summary>The temp data dir.</summary>
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "modelplane-guardrails-" + Guid.NewGuid().ToString("N"));

    /// <summary>The upstream.</summary>
    public ScriptedOpenAi Upstream { get; private set; } = null!;

    /// <summary>The answer pieces for requests that are not the judge's.</summary>
    public Func<JsonObject, IReadOnlyList<string>> Answer { get; set; } = _ => ["Hello!"];

    /// <summary>An admin client.</summary>
    public HttpClient Admin { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        Upstream = await ScriptedOpenAi.StartAsync();
        Upstream.Answer = body => (string?)body["messages"]![0]!["content"] == SafetyJudge.SystemPrompt
            ? [((string?)body["messages"]![1]!["content"])!.Contains("hurt", StringComparison.Ordinal) ? "unsafe: violence" : "safe"]
            : Answer(body);
        var builder = ModelplaneNode.CreateBuilder(new NodeOptions { DataDir = DataDir, Args = ["--Modelplane:Guardrails:SafetyJudgeEndpoint=judge"] });
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        app = ModelplaneNode.Build(builder);
        await app.StartAsync();
        Admin = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        var token = (await File.ReadAllTextAsync(Path.Combine(DataDir, TokenService.AdminTokenFile))).Trim();
        Admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await CreateAsync("judge");
    }

    /// <summary>Creates a chat endpoint on the upstream and waits until it is READY.</summary>
    public async Task CreateAsync(string name)
    {
        var entity = new JsonObject
        {
            ["name"] = name,
            ["external_model"] = new JsonObject
            {
                ["provider"] = "openai",
                ["name"] = "gpt-4o",
                ["task"] = "llm/v1/chat",
                ["openai_config"] = new JsonObject { ["openai_api_key_plaintext"] = "sk-test", ["openai_api_base"] = Upstream.ApiBase.ToString() },
            },
        };
        var body = new JsonObject { ["name"] = name, ["config"] = new JsonObject { ["served_entities"] = new JsonArray(entity) } };
        var response = await Admin.PostAsJsonAsync("/api/2.0/serving-endpoints", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        for (var i = 0; i < 600; i++)
        {
            if ((string?)(await Admin.GetFromJsonAsync<JsonObject>($"/api/2.0/serving-endpoints/{name}"))!["state"]!["ready"] == "READY")
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"Endpoint {name} did not become READY.");
    }

    /// <summary>Sets an endpoint's AI Gateway (snake_case JSON) and rebuilds its live pipeline.</summary>
    public async Task SetGatewayAsync(string name, string aiGatewayJson)
    {
        var factory = app!.Services.GetRequiredService<IDbContextFactory<ModelplaneDbContext>>();
        string id;
        await using (var db = await factory.CreateDbContextAsync())
        {
            var row = await db.Endpoints.FirstAsync(e => e.Name == name);
            row.AiGatewayJson = aiGatewayJson;
            row.AiGatewayVersion++;
            await db.SaveChangesAsync();
            id = row.Id;
        }

        await app.Services.GetRequiredService<EndpointRollout>().RefreshGatewayAsync(id, CancellationToken.None);
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

        await Upstream.DisposeAsync();
        Directory.Delete(DataDir, recursive: true);
    }
}
