using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Core;
using Modelplane.Core.Serving;
using Modelplane.Core.Serving.Llm;
using Modelplane.Core.Serving.Payloads;
using Modelplane.Core.Serving.Pipeline;
using Modelplane.Server.Errors;

namespace Modelplane.Server.Api;

/// <summary>
/// One LLM exchange on an endpoint, shared by <c>/invocations</c> and the OpenAI routes: read and validate the
/// OpenAI-shaped body for the endpoint's task, run the endpoint's pipeline, and write the answer as JSON or as
/// server-sent events (<c>data: {chunk}</c> per chunk, flushed as it comes, then <c>data: [DONE]</c>; a failure after
/// the first byte ends the stream with <c>data: {"error": {…}}</c> and no <c>[DONE]</c>). Answers carry
/// <c>served-model-name</c> and, when the provider gave no token counts, <c>x-modelplane-usage: estimated</c>.
/// </summary>
public static class LlmExchange
{
    /// <summary>The header that marks locally estimated <c>usage</c>.</summary>
    public const string UsageHeader = "x-modelplane-usage";

    /// <summary>The task an endpoint serves, or null when it serves registered models.</summary>
    public static string? TaskOf(EndpointRuntime endpoint) => (endpoint.Entities.Values.FirstOrDefault() as LlmRuntime)?.Task;

    /// <summary>Whether every entity of the endpoint answers <paramref name="task"/> (its task, or completions on a GGUF chat model).</summary>
    public static bool Serves(EndpointRuntime endpoint, string task) =>
        endpoint.Entities.Count > 0 && endpoint.Entities.Values.All(e => e is LlmRuntime llm && (llm.Task == task || llm.AlsoServes == task));

    /// <summary>Reads, validates, invokes and answers. <paramref name="task"/> is the route's task (or the endpoint's for <c>/invocations</c>).</summary>
    /// <param name="http">The exchange.</param>
    /// <param name="endpoint">The live endpoint.</param>
    /// <param name="task">The task asked for.</param>
    /// <param name="body">The request body as received (inference tables).</param>
    /// <param name="parsed">The body already parsed (the OpenAI routes read <c>model</c> from it); validated inside the pipeline.</param>
    public static async Task RunAsync(HttpContext http, EndpointRuntime endpoint, string task, ReadOnlyMemory<byte> body, LlmPayload? parsed = null)
    {
        var served = TaskOf(endpoint);
        if (!Serves(endpoint, task))
        {
            throw new ModelplaneException(ErrorCode.InvalidParameterValue, served is null
                ? $"Serving endpoint '{endpoint.Name}' serves a registered model; query it with a scoring request at /serving-endpoints/{endpoint.Name}/invocations."
                : $"Serving endpoint '{endpoint.Name}' serves {served}, not {task}; use {Route(served)}.")
            { Param = "model" };
        }

        var context = new InvocationContext
        {
            RequestId = http.TraceIdentifier,
            Caller = http.User,
            RawRequest = body,
            UsageContext = RequestBodies.UsageContext(http.Request),
            Decoder = () =>
            {
                var payload = parsed ?? Parse(body, task);
                Validate(payload);
                return payload;
            },
        };
        var result = (await endpoint.Pipeline.InvokeAsync(context, http.RequestAborted)).Llm
            ?? throw new InvalidOperationException("An LLM entity answered without an LLM result.");
        http.Response.Headers["served-model-name"] = context.ServedEntityName;
        if (result.ChatStream is { } chat)
        {
            await StreamAsync(http, chat);
        }
        else if (result.CompletionStream is { } completions)
        {
            await StreamAsync(http, completions);
        }
        else
        {
            if (context.UsageEstimated)
            {
                http.Response.Headers[UsageHeader] = "estimated";
            }

            http.Response.ContentType = "application/json";
            object answer = result.Chat ?? result.Completion ?? (object?)result.Embeddings ?? throw new InvalidOperationException("Empty LLM result.");
            await JsonSerializer.SerializeAsync(http.Response.Body, answer, answer.GetType(), LlmJson.Options, http.RequestAborted);
        }
    }

    /// <summary>Reads the body (at most the node's query size).</summary>
    public static Task<ReadOnlyMemory<byte>> ReadAsync(HttpContext http) =>
        RequestBodies.ReadLimitedAsync(http.Request, http.RequestServices.GetRequiredService<IOptions<ModelplaneOptions>>().Value.MaxQueryBytes);

    /// <summary>Deserializes a body for <paramref name="task"/> (once; the OpenAI routes read <c>model</c> from it).</summary>
    /// <exception cref="ModelplaneException">400 naming the field (<see cref="ModelplaneException.Param"/>).</exception>
    public static LlmPayload Parse(ReadOnlyMemory<byte> body, string task)
    {
        if (body.IsEmpty)
        {
            throw ModelplaneException.BadRequest("A JSON request body is required.");
        }

        try
        {
            return task switch
            {
                LlmTask.Chat => new ChatPayload(LlmJson.Deserialize<ChatCompletionRequest>(body.Span)),
                LlmTask.Completions => new CompletionPayload(LlmJson.Deserialize<CompletionRequest>(body.Span)),
                _ => new EmbeddingPayload(LlmJson.Deserialize<EmbeddingRequest>(body.Span)),
            };
        }
        catch (JsonException ex)
        {
            throw new ModelplaneException(ErrorCode.InvalidParameterValue, RequestBodies.Describe(ex)) { Param = ex.Path is { Length: > 2 } p ? p[2..] : null };
        }
    }

    /// <summary>Checks a parsed request against the OpenAI API's ranges (<see cref="LlmRequestValidator"/>).</summary>
    private static void Validate(LlmPayload payload)
    {
        switch (payload)
        {
            case ChatPayload c: LlmRequestValidator.Validate(c.Request); break;
            case CompletionPayload c: LlmRequestValidator.Validate(c.Request); break;
            case EmbeddingPayload e: LlmRequestValidator.Validate(e.Request); break;
        }
    }

    private static async Task StreamAsync<T>(HttpContext http, IAsyncEnumerable<T> chunks)
    {
        http.Response.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        await http.Response.StartAsync(http.RequestAborted);
        await SseFormatter.WriteAsync(Events(chunks, http.RequestAborted), http.Response.Body, http.RequestAborted);
    }

    /// <summary>The SSE items of a stream: each chunk, then <c>[DONE]</c>; or, on failure, one error item and nothing more.</summary>
    private static async IAsyncEnumerable<SseItem<string>> Events<T>(IAsyncEnumerable<T> chunks, [EnumeratorCancellation] CancellationToken ct)
    {
        await using var e = chunks.GetAsyncEnumerator(ct);
        while (true)
        {
            string? error = null;
            try
            {
                if (!await e.MoveNextAsync())
                {
                    break;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                error = ErrorResponses.OpenAiErrorJson(ex as ModelplaneException
                    ?? new ModelplaneException(ErrorCode.InternalError, "The stream failed inside the node.", 500, ex));
            }

            if (error is not null)
            {
                yield return new SseItem<string>(error);
                yield break;
            }

            yield return new SseItem<string>(JsonSerializer.Serialize(e.Current, LlmJson.Options));
        }

        yield return new SseItem<string>("[DONE]");
    }

    private static string Route(string task) => task switch
    {
        LlmTask.Chat => "/serving-endpoints/chat/completions",
        LlmTask.Completions => "/serving-endpoints/completions",
        _ => "/serving-endpoints/embeddings",
    };
}
