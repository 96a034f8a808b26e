using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Modelplane.Server.Tests.Gateway;
using Modelplane.Sql;
using Modelplane.Testing.Providers;

namespace Modelplane.Server.Tests.Sql;

/// <summary>
/// A real node (<see cref="NodeFixture"/>, upstream retries off) with endpoint <c>chat</c> (an external OpenAI chat model
/// over the loopback <see cref="FakeOpenAi"/>, which answers what <see cref="FakeOpenAi.ChatAnswer"/> says) and
/// <c>arctic</c> (the local <c>system.ai.arctic_embed_xs</c> embedding model in a worker process); SQL sessions call
/// them as the admin through the in-memory test server.
/// </summary>
public sealed class TaskFunctionFixture : IAsyncLifetime
{
    /// <summary>The node.</summary>
    public NodeFixture Node { get; } = new() { Args = ["--Modelplane:Upstream:MaxRetries=0"] };

    /// <summary>The fake OpenAI upstream of <c>chat</c>.</summary>
    public FakeOpenAi OpenAi { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        OpenAi = await FakeOpenAi.StartAsync();
        OpenAi.RequireBearer = GatewayNode.OpenAiKey;
        await Node.InitializeAsync();
        var chat = new JsonObject
        {
            ["name"] = "chat",
            ["config"] = new JsonObject { ["served_entities"] = new JsonArray(GatewayNode.OpenAiEntity("gpt", "gpt-4o-2024-08-06", "llm/v1/chat", OpenAi)) },
        };
        var response = await Node.Client.PostAsJsonAsync("/api/2.0/serving-endpoints", chat);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        Assert.Equal("READY", (string?)(await Node.WaitAsync("chat"))["state"]!["ready"]);
        var arctic = await Node.ServeAsync("arctic", "system.ai.arctic_embed_xs", "1", TimeSpan.FromMinutes(3));
        Assert.True((string?)arctic["state"]!["ready"] == "READY", arctic.ToJsonString());
    }

    /// <summary>Opens a SQL session that calls the node as the admin; the chat and embedding defaults are <c>chat</c>
    /// and <c>arctic</c> unless <paramref name="ai"/> says otherwise.</summary>
    public SqlSession Open(AiFunctionOptions? ai = null, SqlProgress? progress = null)
    {
        var server = (TestServer)Node.Services.GetRequiredService<IServer>();
        return SqlSession.Open(new SqlSessionOptions
        {
            Serving = new ServingConnection(server.BaseAddress, Node.Token, server.CreateHandler()),
            Ai = ai ?? new AiFunctionOptions { DefaultChatEndpoint = "chat", DefaultEmbeddingEndpoint = "arctic" },
            Progress = progress ?? new SqlProgress(),
        });
    }

    /// <summary>Runs one statement in a new session.</summary>
    public async Task<SqlResult> QueryAsync(string sql, AiFunctionOptions? ai = null, SqlProgress? progress = null)
    {
        using var session = Open(ai, progress);
        return await session.ExecuteAsync(sql, default);
    }

    /// <summary>The chat request bodies the fake received, in arrival order.</summary>
    public IReadOnlyList<JsonObject> ChatRequests() =>
        [.. OpenAi.Requests.Where(r => r.PathAndQuery.EndsWith("/chat/completions", StringComparison.Ordinal)).Select(r => JsonNode.Parse(r.Body)!.AsObject())];

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        await OpenAi.DisposeAsync();
    }
}

/// <summary>One node for the task-function tests.</summary>
[CollectionDefinition(Name)]
public sealed class TaskFunctionCollection : ICollectionFixture<TaskFunctionFixture>
{
    /// <summary>The collection name.</summary>
    public const string Name = "task functions";
}
