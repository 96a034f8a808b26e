using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Governance.Gateway;
using Modelplane.Core.Governance.Guardrails;
using Modelplane.Core.Serving.Payloads;
using Modelplane.Core.Serving.Pipeline;

namespace Modelplane.Core.Tables;

/// <summary>
/// Turns an <see cref="Outcome"/> into usage and payload rows (databricks-serving.md §3.2, §3.3). The payload's
/// <c>request</c> is the body as received (UTF-8), or the decoded payload re-serialized when an input guardrail masked it
/// or the adapter kept no body; <c>response</c> is the LLM answer (<see cref="LlmJson.Options"/>), the scoring answer
/// (<see cref="PredictionWriter"/>) or <c>{"error_code","message"}</c>. A body over
/// <see cref="TablesOptions.MaxPayloadBytes"/> is stored as null with <c>MAX_REQUEST_SIZE_EXCEEDED</c> /
/// <c>MAX_RESPONSE_SIZE_EXCEEDED</c> in <c>logging_error_details</c>. Singleton; stateless.
/// </summary>
public sealed class CaptureRows(IOptions<TablesOptions> options)
{
    /// <summary>The status a failure gives the caller: its own for <see cref="ModelplaneException"/>, 499 for a
    /// cancellation (the client went away), else 500.</summary>
    public static int StatusOf(Exception error) => error switch
    {
        ModelplaneException m => m.StatusCode,
        OperationCanceledException => 499,
        _ => 500,
    };

    /// <summary>A <c>system.serving.endpoint_usage</c> row.</summary>
    public UsageRow Usage(Outcome outcome, CaptureSettings settings)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(settings);
        var context = outcome.Context;
        var payload = outcome.Payload;
        var usage = context.Usage;
        return new UsageRow
        {
            DatabricksRequestId = context.RequestId,
            ClientRequestId = (payload as LlmPayload)?.ClientRequestId,
            RequestTime = outcome.Started.UtcDateTime,
            StatusCode = outcome.StatusCode,
            Requester = context.Identity?.Name,
            ServedEntityId = EntityId(context, settings),
            InputTokenCount = usage?.PromptTokens,
            OutputTokenCount = usage?.CompletionTokens,
            UsageSource = usage is null ? null : context.UsageEstimated ? "estimated" : "reported",
            RequestStreaming = outcome.Streamed || payload is LlmPayload { Stream: true },
            UsageContext = UsageContextOf(context, payload as LlmPayload),
            EndpointName = settings.EndpointName,
        };
    }

    /// <summary>The header's usage context merged with the body's (the body wins key by key), as a JSON object string.</summary>
    private static string? UsageContextOf(InvocationContext context, LlmPayload? payload)
    {
        var body = payload?.UsageContext;
        if (context.UsageContext is not { } header)
        {
            return body is null ? null : JsonSerializer.Serialize(body);
        }

        var merged = new SortedDictionary<string, string>(header.ToDictionary(), StringComparer.Ordinal);
        foreach (var (key, value) in body ?? new Dictionary<string, string>())
        {
            merged[key] = value;
        }

        return JsonSerializer.Serialize(merged);
    }

    /// <summary>A payload table row.</summary>
    public PayloadRow Payload(Outcome outcome, CaptureSettings settings)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        ArgumentNullException.ThrowIfNull(settings);
        var context = outcome.Context;
        var payload = outcome.Payload;
        var errors = new List<(string Code, string Message)>();
        var request = Limit(RequestBytes(context, payload), "MAX_REQUEST_SIZE_EXCEEDED", "request", errors);
        var response = Limit(ResponseBytes(outcome, payload), "MAX_RESPONSE_SIZE_EXCEEDED", "response", errors);
        if (outcome.StreamError is { } cut)
        {
            errors.Add(cut is ModelplaneException m ? (m.ErrorCode, m.Message) : ("STREAM_INCOMPLETE", cut.Message));
        }

        return new PayloadRow
        {
            RequestDate = DateOnly.FromDateTime(outcome.Started.UtcDateTime),
            DatabricksRequestId = context.RequestId,
            ClientRequestId = (payload as LlmPayload)?.ClientRequestId,
            RequestTime = outcome.Started.UtcDateTime,
            StatusCode = outcome.StatusCode,
            SamplingFraction = settings.SamplingFraction,
            ExecutionDurationMs = (long)Math.Round(context.ModelMilliseconds + outcome.ExtraModelMs),
            Request = settings.RedactPii && request is not null ? PiiRedactor.Redact(request) : request,
            Response = settings.RedactPii && response is not null ? PiiRedactor.Redact(response) : response,
            ServedEntityId = EntityId(context, settings),
            LoggingErrorDetails = errors.Count == 0 ? null
                : new JsonArray([.. errors.Select(e => new JsonObject { ["error_code"] = e.Code, ["error_message"] = e.Message })]).ToJsonString(),
            Requester = context.Identity?.Name,
            GuardrailDetections = context.Detections.Count == 0 ? null : JsonSerializer.Serialize(context.Detections, GatewayJson.Options),
        };
    }

    private static string? EntityId(InvocationContext context, CaptureSettings settings) =>
        context.ServedEntityName is { } name && settings.EntityIds.TryGetValue(name, out var id) ? id : null;

    /// <summary>
    /// The decoded payload (call once per request; rows read <see cref="Outcome.Payload"/>): always there after an answer; after a failure decoded now if it was not (its own 400 is
    /// ignored), except for a 403, whose caller may learn nothing and whose body is not worth decoding.
    /// </summary>
    public static InvocationPayload? PayloadOf(Outcome outcome)
    {
        if (outcome.Error is ModelplaneException { StatusCode: 403 })
        {
            return null;
        }

        try
        {
            return outcome.Context.Payload;
        }
        catch (Exception ex) when (ex is ModelplaneException or InvalidOperationException or JsonException)
        {
            return null;
        }
    }

    private string? Limit(ReadOnlyMemory<byte>? body, string code, string what, List<(string, string)> errors)
    {
        if (body is not { } bytes)
        {
            return null;
        }

        if (bytes.Length > options.Value.MaxPayloadBytes)
        {
            errors.Add((code, $"The {what} body is {bytes.Length} bytes, over the {options.Value.MaxPayloadBytes}-byte limit of inference tables; it was not stored."));
            return null;
        }

        return Encoding.UTF8.GetString(bytes.Span);
    }

    /// <summary>The request as the model saw it: the raw body, unless a guardrail rewrote the payload (or there is none).</summary>
    private static ReadOnlyMemory<byte>? RequestBytes(InvocationContext context, InvocationPayload? payload)
    {
        if (!context.PayloadRewritten && !context.RawRequest.IsEmpty)
        {
            return context.RawRequest;
        }

        return payload switch
        {
            ChatPayload c => LlmJson.Serialize(c.Request),
            CompletionPayload c => LlmJson.Serialize(c.Request),
            EmbeddingPayload e => LlmJson.Serialize(e.Request),
            _ => context.RawRequest.IsEmpty ? null : context.RawRequest,
        };
    }

    private static ReadOnlyMemory<byte>? ResponseBytes(Outcome outcome, InvocationPayload? payload)
    {
        if (outcome.Assembled is { } assembled)
        {
            return JsonSerializer.SerializeToUtf8Bytes(assembled, assembled.GetType(), LlmJson.Options);
        }

        if (outcome.Error is { } error)
        {
            var (code, message) = error is ModelplaneException m ? (m.ErrorCode, m.Message)
                : error is OperationCanceledException ? ("CANCELLED", "The client went away before the answer.")
                : (ErrorCode.InternalError, "The request failed inside the node.");
            return JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["error_code"] = code, ["message"] = message });
        }

        if (outcome.Result?.Llm is { } llm)
        {
            object? answer = llm.Chat ?? llm.Completion ?? (object?)llm.Embeddings;
            return answer is null ? null : JsonSerializer.SerializeToUtf8Bytes(answer, answer.GetType(), LlmJson.Options);
        }

        if (outcome.Result is { } result && payload is not null)
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                PredictionWriter.Write(writer, result.Outputs, payload.Format);
            }

            return buffer.WrittenMemory;
        }

        return null;
    }
}
