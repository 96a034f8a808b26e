using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.EventStreams;
using Amazon.Runtime.Signing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Modelplane.Testing.Providers;

/// <summary>
/// A wire-level fake of Amazon Bedrock Runtime on loopback, replaying the documented examples in
/// <c>tests/testdata/providers/bedrock/</c> (see SOURCES.md there).
/// <list type="bullet">
/// <item>Every request must carry a SigV4 <c>Authorization</c> header for <see cref="AccessKeyId"/>: the fake recomputes
/// the signature with AWSSDK.Core's <see cref="AWSSigV4Signer"/> from what it received (method, Host, path, body,
/// <c>X-Amz-Date</c>, session token) and <see cref="SecretAccessKey"/>, and answers 403 <c>error-signature.json</c>
/// on any difference.</item>
/// <item><c>POST /model/{id}/converse</c> → <see cref="ChatFixture"/>; <c>/converse-stream</c> → the events of
/// <see cref="StreamFixture"/> (a JSON list of <c>{message-type, event-type | exception-type, payload}</c>) encoded here as
/// <c>application/vnd.amazon.eventstream</c> frames (AWSSDK.Core's <see cref="EventStreamMessage"/>: prelude, prelude
/// CRC32, headers, payload, message CRC32), flushed one frame at a time; <c>/invoke</c> → <see cref="EmbedFixture"/>.</item>
/// </list>
/// </summary>
public sealed class FakeBedrock : FakeProvider
{
    /// <summary>The folder of the replayed files.</summary>
    public static readonly string DataDir = TestData.PathOf("providers", "bedrock");

    /// <summary>The access key id the fake accepts (AWS's documented example key).</summary>
    public const string AccessKeyId = "AKIAIOSFODNN7EXAMPLE";

    /// <summary>The secret key the fake verifies signatures with (AWS's documented example key).</summary>
    public const string SecretAccessKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    private readonly ConcurrentQueue<string> signatureFailures = new();
    private readonly ConcurrentQueue<string> rawTargets = new();

    private FakeBedrock()
    {
    }

    /// <summary>The region signatures are checked for.</summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>Request targets exactly as sent (percent-encoding kept), in arrival order.</summary>
    public IReadOnlyList<string> RawTargets => [.. rawTargets];

    /// <summary>Why signatures were refused, one line per refused request.</summary>
    public IReadOnlyList<string> SignatureFailures => [.. signatureFailures];

    /// <summary>File answered to <c>converse</c>.</summary>
    public string ChatFixture { get; set; } = "converse.json";

    /// <summary>Event list encoded for <c>converse-stream</c>.</summary>
    public string StreamFixture { get; set; } = "converse-stream.events.json";

    /// <summary>File answered to <c>invoke</c>.</summary>
    public string EmbedFixture { get; set; } = "titan-embed.json";

    /// <summary>When set, a stream's body ends after this many frames and half of the next one (a frame cut off).</summary>
    public int? BreakStreamAfterEvents { get; set; }

    /// <summary>When set, this frame of a stream (0-based) has one payload byte flipped, so its message CRC fails.</summary>
    public int? CorruptFrameAt { get; set; }

    /// <summary>When set, a stream waits for this before its last frame.</summary>
    public Task? HoldBeforeLastEvent { get; set; }

    /// <summary>Starts the fake; use <see cref="FakeProvider.BaseUri"/> as <c>endpoint_url</c>.</summary>
    public static async Task<FakeBedrock> StartAsync(string region = "us-east-1")
    {
        var fake = new FakeBedrock { Region = region };
        await fake.StartServerAsync(app => app.MapPost("/model/{modelId}/{operation}", fake.HandleAsync));
        return fake;
    }

    /// <summary>The next request is answered with <paramref name="status"/> and <paramref name="fixtureFile"/> (with
    /// the matching <c>x-amzn-ErrorType</c> for 400/403/429).</summary>
    public void EnqueueFailure(int status, string fixtureFile, int? retryAfter = null) => QueueFailure(status, fixtureFile, retryAfter);

    /// <summary>Encodes one event of a fixture list as an event-stream frame (the wire format Bedrock streams in).</summary>
    public static byte[] EncodeFrame(JsonElement item)
    {
        var headers = new List<IEventStreamHeader>();
        void Add(string name, string value)
        {
            var h = new EventStreamHeader(name);
            h.SetString(value);
            headers.Add(h);
        }

        var type = item.GetProperty("message-type").GetString()!;
        Add(":message-type", type);
        if (type == "exception")
        {
            Add(":exception-type", item.GetProperty("exception-type").GetString()!);
        }
        else
        {
            Add(":event-type", item.GetProperty("event-type").GetString()!);
        }

        Add(":content-type", "application/json");
        return new EventStreamMessage(headers, Encoding.UTF8.GetBytes(item.GetProperty("payload").GetRawText())).ToByteArray();
    }

    /// <summary>All frames of a fixture list.</summary>
    public static List<byte[]> EncodeFixture(string file)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(DataDir, file)));
        return [.. doc.RootElement.EnumerateArray().Select(EncodeFrame)];
    }

    private async Task HandleAsync(HttpContext context, string modelId, string operation)
    {
        rawTargets.Enqueue(RawTarget(context));
        var body = await ReadBodyAsync(context);
        if (CheckSignature(context, body) is { } why)
        {
            signatureFailures.Enqueue(why);
            context.Response.Headers["x-amzn-ErrorType"] = "InvalidSignatureException:http://internal.amazon.com/coral/com.amazon.coral.service/";
            await LoopbackServer.WriteRawAsync(context, 403, "application/json", Read("error-signature.json"));
            return;
        }

        if (TryTakeFailure(context, out var status, out var file))
        {
            context.Response.Headers["x-amzn-ErrorType"] = status switch
            {
                429 => "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/",
                403 => "AccessDeniedException:http://internal.amazon.com/coral/com.amazon.coral.service/",
                _ => "ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/",
            };
            await LoopbackServer.WriteRawAsync(context, status, "application/json", Read(file));
            return;
        }

        context.Response.Headers["x-amzn-RequestId"] = "5d8a1b44-5f0e-4d6f-9a57-1b0d3c2e7f10";
        switch (operation)
        {
            case "converse":
                await LoopbackServer.WriteRawAsync(context, 200, "application/json", Read(ChatFixture));
                break;
            case "invoke":
                await LoopbackServer.WriteRawAsync(context, 200, "application/json", Read(EmbedFixture));
                break;
            case "converse-stream":
                await StreamAsync(context);
                break;
            default:
                context.Response.StatusCode = 404;
                break;
        }
    }

    private async Task StreamAsync(HttpContext context)
    {
        var frames = EncodeFixture(StreamFixture);
        var cut = BreakStreamAfterEvents is { } n && n < frames.Count;
        if (cut)
        {
            // The body ends after N whole frames and the first half of the next one.
            var next = frames[BreakStreamAfterEvents!.Value];
            frames = [.. frames[..BreakStreamAfterEvents.Value], next[..(next.Length / 2)]];
        }

        if (CorruptFrameAt is { } bad && bad < frames.Count)
        {
            frames[bad][frames[bad].Length - 6] ^= 0x20;
        }

        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/vnd.amazon.eventstream";
        try
        {
            for (var i = 0; i < frames.Count; i++)
            {
                if (i == frames.Count - 1 && !cut && HoldBeforeLastEvent is { } gate)
                {
                    await gate.WaitAsync(context.RequestAborted);
                }

                await context.Response.Body.WriteAsync(frames[i], context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
            }

            if (cut)
            {
                await context.Response.CompleteAsync();
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            OnStreamAborted();
        }
    }

    /// <summary>Null when the request's SigV4 signature is right; else why not.</summary>
    private string? CheckSignature(HttpContext context, byte[] body)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var date = context.Request.Headers["X-Amz-Date"].ToString();
        var scope = $"{AccessKeyId}/{(date.Length >= 8 ? date[..8] : "?")}/{Region}/bedrock/aws4_request";
        if (!authorization.StartsWith($"AWS4-HMAC-SHA256 Credential={scope}, SignedHeaders=", StringComparison.Ordinal))
        {
            return $"Authorization '{authorization}' is not a SigV4 header for credential scope {scope}";
        }

        if (!DateTime.TryParseExact(date, "yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var signedAt))
        {
            return $"X-Amz-Date '{date}' is not a SigV4 timestamp";
        }

        var token = context.Request.Headers["X-Amz-Security-Token"].ToString();
        var request = new AWSSigningRequest
        {
            HttpMethod = new HttpMethod(context.Request.Method),
            RequestUri = new Uri($"{context.Request.Scheme}://{context.Request.Host}{RawTarget(context)}"),
            Content = body,
        };
        if (context.Request.ContentType is { } contentType)
        {
            request.Headers["content-type"] = contentType;
        }

        var expected = AWSSigV4Signer.Sign(request, new AWSSigV4Parameters
        {
            Credentials = token.Length > 0 ? new SessionAWSCredentials(AccessKeyId, SecretAccessKey, token) : new BasicAWSCredentials(AccessKeyId, SecretAccessKey),
            Region = RegionEndpoint.GetBySystemName(Region),
            Service = "bedrock",
            SignPayload = true,
            SignedAt = signedAt,
        }).Headers["Authorization"];
        return expected == authorization ? null : $"signature differs: expected '{expected}', got '{authorization}'";
    }

    /// <summary>The request target as sent (Kestrel's <c>Request.Path</c> is percent-decoded; SigV4 signs the encoded form).</summary>
    private static string RawTarget(HttpContext context) =>
        context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.ToUriComponent() + context.Request.QueryString;

    private static async Task<byte[]> ReadBodyAsync(HttpContext context)
    {
        context.Request.Body.Position = 0;
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        return buffer.ToArray();
    }

    private static byte[] Read(string file) => File.ReadAllBytes(Path.Combine(DataDir, file));
}
