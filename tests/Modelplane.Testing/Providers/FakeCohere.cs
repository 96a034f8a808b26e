using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Modelplane.Testing.Providers;

/// <summary>
/// A wire-level fake of Cohere's v2 API on loopback (<c>POST /v2/chat</c>, <c>POST /v2/embed</c>), replaying the
/// documented or recorded bodies in <c>tests/testdata/providers/cohere/</c> (see its SOURCES.md): streamed chats
/// (<c>"stream": true</c>) replay <see cref="FakeSseProvider.NextStreamFixture"/> when set (used once), else
/// <c>chat_tool_stream.sse</c> for a request with <c>tools</c>, else <c>chat_stream.sse</c>; other chats replay
/// <c>chat_response.json</c>; embeds replay <c>embed_response.json</c>. Point <c>cohere_api_base</c> at
/// <see cref="FakeProvider.BaseUri"/>.
/// </summary>
public sealed class FakeCohere : FakeSseProvider
{
    private FakeCohere()
    {
    }

    /// <summary>Folder of the bodies replayed.</summary>
    public static string BodiesFolder => TestData.PathOf("providers", "cohere");

    /// <summary>When set, requests whose <c>Authorization</c> is not <c>Bearer {value}</c> get 401 with
    /// <c>error_invalid_token.json</c>.</summary>
    public string? RequireApiKey { get; set; }

    /// <summary>Starts the fake.</summary>
    public static async Task<FakeCohere> StartAsync()
    {
        var fake = new FakeCohere();
        await fake.StartServerAsync(app =>
        {
            app.MapPost("/v2/chat", fake.ChatAsync);
            app.MapPost("/v2/embed", fake.EmbedAsync);
        });
        return fake;
    }

    /// <summary>The next request fails once with <paramref name="status"/> and the body in
    /// <paramref name="fixtureFile"/> (a file of <see cref="BodiesFolder"/>, e.g. <c>error_rate_limit.json</c>).</summary>
    public void EnqueueFailure(int status, string fixtureFile, int? retryAfterSeconds = null) =>
        QueueFailure(status, fixtureFile, retryAfterSeconds);

    private async Task ChatAsync(HttpContext context)
    {
        if (await RefusedAsync(context))
        {
            return;
        }

        using var body = await JsonDocument.ParseAsync(context.Request.Body, cancellationToken: context.RequestAborted);
        var root = body.RootElement;
        if (root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True)
        {
            var hasTools = root.TryGetProperty("tools", out var tools) && tools.GetArrayLength() > 0;
            var fixture = TakeStreamFixture(hasTools ? "chat_tool_stream.sse" : "chat_stream.sse");
            await WriteSseAsync(context, await File.ReadAllTextAsync(Path.Combine(BodiesFolder, fixture)));
            return;
        }

        await ReplayAsync(context, 200, "chat_response.json");
    }

    private async Task EmbedAsync(HttpContext context)
    {
        if (!await RefusedAsync(context))
        {
            await ReplayAsync(context, 200, "embed_response.json");
        }
    }

    private async Task<bool> RefusedAsync(HttpContext context)
    {
        if (TryTakeFailure(context, out var status, out var file))
        {
            await ReplayAsync(context, status, file);
            return true;
        }

        if (RequireApiKey is { } key && context.Request.Headers.Authorization != $"Bearer {key}")
        {
            await ReplayAsync(context, 401, "error_invalid_token.json");
            return true;
        }

        return false;
    }

    private static async Task ReplayAsync(HttpContext context, int status, string file) =>
        await LoopbackServer.WriteRawAsync(context, status, "application/json", await File.ReadAllBytesAsync(Path.Combine(BodiesFolder, file)));
}
