using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Modelplane.Testing.Providers;

/// <summary>
/// A wire-level fake of Gemini on Vertex AI and of Google's OAuth 2.0 token endpoint, on loopback. It replays the
/// documented examples in <c>tests/testdata/providers/vertex-ai/</c> (see SOURCES.md there):
/// <list type="bullet">
/// <item><c>POST /token</c>: the service-account JWT-bearer grant
/// (https://developers.google.com/identity/protocols/oauth2/service-account#httprest). It checks the grant type, the
/// RS256 signature of the assertion against <see cref="StartAsync"/>'s key, <c>aud</c> = <see cref="DocumentedAudience"/> and the
/// <c>cloud-platform</c> scope, then answers <c>token-response.json</c> (else 400 <c>token-error.json</c>).</item>
/// <item><c>POST /v1/projects/{p}/locations/{r}/publishers/google/models/{model}:generateContent</c>,
/// <c>:streamGenerateContent?alt=sse</c> and <c>:predict</c>: require the token as Bearer (else 401
/// <c>error-401.json</c>) and answer <see cref="ChatFixture"/>, <see cref="StreamFixture"/> or
/// <see cref="EmbedFixture"/>.</item>
/// </list>
/// </summary>
public sealed class FakeVertexAi : FakeProvider
{
    /// <summary>The folder of the replayed files.</summary>
    public static readonly string DataDir = TestData.PathOf("providers", "vertex-ai");

    /// <summary>The JWT <c>aud</c> Google documents for access-token requests ("this value is always
    /// https://oauth2.googleapis.com/token"), whichever URL the assertion is posted to.</summary>
    public const string DocumentedAudience = "https://oauth2.googleapis.com/token";

    private readonly RSA verificationKey;
    private int tokenRequests;

    private FakeVertexAi(RSA verificationKey) => this.verificationKey = verificationKey;

    /// <summary>The token endpoint (use as the key's <c>token_uri</c>).</summary>
    public Uri TokenUri => new(BaseUri, "/token");

    /// <summary>Model requests received (token requests left out).</summary>
    public IReadOnlyList<RecordedRequest> ModelRequests => [.. Requests.Where(r => r.PathAndQuery.StartsWith("/v1/", StringComparison.Ordinal))];

    /// <summary>Token requests whose assertion verified.</summary>
    public int TokenRequests => tokenRequests;

    /// <summary>The header, claims and signature verdict of the last JWT assertion received, for messages.</summary>
    public string? LastAssertion { get; private set; }

    /// <summary>The access token the token endpoint hands out (from <c>token-response.json</c>).</summary>
    public static string AccessToken => JsonDocument.Parse(File.ReadAllText(Path.Combine(DataDir, "token-response.json"))).RootElement.GetProperty("access_token").GetString()!;

    /// <summary>File answered to <c>generateContent</c>.</summary>
    public string ChatFixture { get; set; } = "generate-content.json";

    /// <summary>File answered to <c>streamGenerateContent</c> (SSE).</summary>
    public string StreamFixture { get; set; } = "stream-generate-content.sse";

    /// <summary>File answered to <c>predict</c>.</summary>
    public string EmbedFixture { get; set; } = "predict-embeddings.json";

    /// <summary>When set, a stream's body ends after this many events and half of the next one (no finishReason seen).</summary>
    public int? BreakStreamAfterEvents { get; set; }

    /// <summary>When set, a stream waits for this before its last event.</summary>
    public Task? HoldBeforeLastEvent { get; set; }

    /// <summary>Starts the fake (use <see cref="FakeProvider.BaseUri"/> as <c>api_base</c>); token assertions must
    /// verify with <paramref name="verificationKey"/>'s public key.</summary>
    public static async Task<FakeVertexAi> StartAsync(RSA verificationKey)
    {
        var fake = new FakeVertexAi(verificationKey);
        await fake.StartServerAsync(app =>
        {
            app.MapPost("/token", fake.TokenAsync);
            app.MapPost("/v1/projects/{project}/locations/{location}/publishers/google/models/{target}", fake.ModelAsync);
        });
        return fake;
    }

    /// <summary>The next model request is answered with <paramref name="status"/> and <paramref name="fixtureFile"/>.</summary>
    public void EnqueueFailure(int status, string fixtureFile, int? retryAfter = null) => QueueFailure(status, fixtureFile, retryAfter);

    private async Task TokenAsync(HttpContext context)
    {
        var form = await context.Request.ReadFormAsync(context.RequestAborted);
        if (form["grant_type"] != "urn:ietf:params:oauth:grant-type:jwt-bearer" || !VerifyAssertion(form["assertion"].ToString()))
        {
            await LoopbackServer.WriteRawAsync(context, 400, "application/json", Read("token-error.json"));
            return;
        }

        Interlocked.Increment(ref tokenRequests);
        await LoopbackServer.WriteRawAsync(context, 200, "application/json", Read("token-response.json"));
    }

    private bool VerifyAssertion(string jwt)
    {
        var parts = jwt.Split('.');
        if (parts.Length != 3)
        {
            return false;
        }

        using var header = JsonDocument.Parse(Base64Url(parts[0]));
        using var claims = JsonDocument.Parse(Base64Url(parts[1]));
        var signed = verificationKey.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var c = claims.RootElement;
        LastAssertion = $"{Encoding.UTF8.GetString(Base64Url(parts[0]))} {c.GetRawText()} signature={(signed ? "valid" : "invalid")}";
        return signed
            && header.RootElement.GetProperty("alg").GetString() == "RS256"
            && c.TryGetProperty("aud", out var aud) && aud.GetString() == DocumentedAudience
            && c.TryGetProperty("scope", out var scope) && scope.GetString()!.Split(' ').Contains("https://www.googleapis.com/auth/cloud-platform")
            && c.TryGetProperty("iss", out var iss) && iss.GetString()!.Length > 0
            && c.GetProperty("exp").GetInt64() > c.GetProperty("iat").GetInt64();
    }

    private async Task ModelAsync(HttpContext context, string target)
    {
        if (context.Request.Headers.Authorization.ToString() != "Bearer " + AccessToken)
        {
            await LoopbackServer.WriteRawAsync(context, 401, "application/json", Read("error-401.json"));
            return;
        }

        if (TryTakeFailure(context, out var status, out var file))
        {
            await LoopbackServer.WriteRawAsync(context, status, "application/json", Read(file));
            return;
        }

        var method = target[(target.LastIndexOf(':') + 1)..];
        switch (method)
        {
            case "generateContent":
                await LoopbackServer.WriteRawAsync(context, 200, "application/json", Read(ChatFixture));
                break;
            case "predict":
                await LoopbackServer.WriteRawAsync(context, 200, "application/json", Read(EmbedFixture));
                break;
            case "streamGenerateContent" when context.Request.Query["alt"] == "sse":
                await StreamAsync(context);
                break;
            default:
                context.Response.StatusCode = 404;
                break;
        }
    }

    private async Task StreamAsync(HttpContext context)
    {
        var sse = File.ReadAllText(Path.Combine(DataDir, StreamFixture));
        var events = LoopbackServer.SplitEvents(sse);
        var cut = BreakStreamAfterEvents is { } n && n < events.Count;
        if (cut)
        {
            var next = events[BreakStreamAfterEvents!.Value];
            sse = string.Concat(events.Take(BreakStreamAfterEvents.Value)) + next[..(next.Length / 2)];
        }

        try
        {
            if (cut)
            {
                context.Response.StatusCode = 200;
                context.Response.ContentType = "text/event-stream";
                await context.Response.WriteAsync(sse, context.RequestAborted);
                await context.Response.CompleteAsync();
            }
            else
            {
                await LoopbackServer.WriteSseAsync(context, sse, beforeLast: HoldBeforeLastEvent);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            OnStreamAborted();
        }
    }

    private static byte[] Read(string file) => File.ReadAllBytes(Path.Combine(DataDir, file));

    private static byte[] Base64Url(string s) => Convert.FromBase64String(s.Replace('-', '+').Replace('_', '/').PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
}
