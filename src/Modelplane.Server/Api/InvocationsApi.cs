using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Core;
using Modelplane.Core.Serving.Payloads;
using Modelplane.Core.Serving.Pipeline;
using Modelplane.Server.Metrics;

namespace Modelplane.Server.Api;

/// <summary>
/// <c>POST /serving-endpoints/{name}/invocations</c>: the MLflow scoring protocol as Databricks serves it
/// (databricks-serving.md §2.1). Bodies are <c>application/json</c> (UTF-8) with exactly one of
/// <c>dataframe_split</c>, <c>dataframe_records</c>, <c>instances</c>, <c>inputs</c> (plus <c>params</c>), or
/// <c>text/csv</c>; other content types get 415, bodies over 16 MB 413. Answers are <c>{"predictions": …}</c> with the
/// <c>served-model-name</c> and <c>x-request-id</c> headers. An endpoint serving an external model takes the OpenAI
/// body of its task instead (<c>messages</c>, <c>prompt</c> or <c>input</c>, no <c>model</c>; databricks-serving.md
/// §2.2) and answers in OpenAI's shape, streamed when asked (<see cref="LlmExchange"/>).
/// </summary>
public static class InvocationsApi
{
    /// <summary>Maps the route.</summary>
    public static IEndpointRouteBuilder MapInvocationsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/serving-endpoints/{name}/invocations", InvokeAsync).WithTags("Query").WithServingMetrics();
        return app;
    }

    private static bool IsCompletion(ReadOnlyMemory<byte> body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("prompt", out _) && !document.RootElement.TryGetProperty("messages", out _);
        }
        catch (JsonException)
        {
            return false; // Parse reports the malformed body.
        }
    }

    private static async Task InvokeAsync(string name, HttpContext http)
    {
        var endpoint = await EndpointResolver.LiveAsync(http, name);
        if (LlmExchange.TaskOf(endpoint) is { } task)
        {
            // A GGUF chat endpoint also answers completions: a body with "prompt" and no "messages" is one.
            var body = await LlmExchange.ReadAsync(http);
            if (task == LlmTask.Chat && LlmExchange.Serves(endpoint, LlmTask.Completions) && IsCompletion(body))
            {
                task = LlmTask.Completions;
            }

            await LlmExchange.RunAsync(http, endpoint, task, body);
            return;
        }

        var max = http.RequestServices.GetRequiredService<IOptions<ModelplaneOptions>>().Value.MaxQueryBytes;
        var (scoring, csv) = await ReadScoringBodyAsync(http.Request, max);
        var context = new InvocationContext { RequestId = http.TraceIdentifier, Caller = http.User, RawRequest = scoring, UsageContext = RequestBodies.UsageContext(http.Request), Decoder = () => Parse(scoring, csv) };
        var result = await endpoint.Pipeline.InvokeAsync(context, http.RequestAborted);

        http.Response.Headers["served-model-name"] = context.ServedEntityName;
        http.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(http.Response.Body, ResponseJson.WriterOptions);
        PredictionWriter.Write(writer, result.Outputs, context.Payload.Format);
    }

    /// <summary>Checks the content type and reads the body; parsing waits for the pipeline (<see cref="Parse"/>).</summary>
    private static async Task<(ReadOnlyMemory<byte> Body, bool Csv)> ReadScoringBodyAsync(HttpRequest request, long max)
    {
        var mediaType = MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed) ? parsed : null;
        if (request.ContentType is not null && mediaType is null)
        {
            throw Unsupported(request.ContentType);
        }

        var charset = mediaType?.Charset.Value;
        if (charset is not null && !charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) && !charset.Equals("utf8", StringComparison.OrdinalIgnoreCase))
        {
            throw new ModelplaneException(ErrorCode.BadRequest, $"Charset '{charset}' is not supported; send UTF-8.", 415);
        }

        var type = mediaType?.MediaType.Value?.ToLowerInvariant();
        if (type is not (null or "application/json" or "text/csv"))
        {
            throw Unsupported(request.ContentType!);
        }

        return (await RequestBodies.ReadLimitedAsync(request, max), type == "text/csv");
    }

    private static InvocationPayload Parse(ReadOnlyMemory<byte> body, bool csv)
    {
        if (csv)
        {
            var text = Encoding.UTF8.GetString(body.Span);
            using var reader = new StringReader(text);
            return ScoringPayloadParser.ParseCsv(reader, text.Length);
        }

        return RequestBodies.ParseJson(body, ScoringPayloadParser.ParseJson);
    }

    private static ModelplaneException Unsupported(string contentType) =>
        new(ErrorCode.BadRequest, $"Content type '{contentType}' is not supported; send application/json or text/csv.", 415);
}
