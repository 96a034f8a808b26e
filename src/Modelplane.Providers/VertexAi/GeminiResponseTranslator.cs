using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Providers.VertexAi;

/// <summary>
/// Gemini <c>GenerateContentResponse</c> → OpenAI shapes
/// (https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/inference#response): each candidate becomes a
/// choice (text parts joined; <c>thought</c> parts skipped; <c>functionCall</c> parts become <c>tool_calls</c> with ids
/// <c>call_{candidate}_{n}</c> unless Gemini gave one); <c>finishReason</c> STOP → <c>stop</c>, MAX_TOKENS →
/// <c>length</c>, SAFETY/RECITATION/BLOCKLIST/PROHIBITED_CONTENT/SPII/IMAGE_SAFETY → <c>content_filter</c>, a function
/// call → <c>tool_calls</c>; <c>usageMetadata{promptTokenCount, candidatesTokenCount, totalTokenCount}</c> → usage.
/// </summary>
internal static class GeminiResponseTranslator
{
    /// <summary>The whole answer.</summary>
    public static ChatCompletion ToChatCompletion(JsonElement response, string model, long created)
    {
        var completion = new ChatCompletion
        {
            Id = "chatcmpl-" + (Str(response, "responseId") ?? Guid.NewGuid().ToString("N")),
            Created = created,
            Model = Str(response, "modelVersion") ?? model,
            Usage = UsageOf(response),
        };
        var candidates = Candidates(response);
        if (candidates.Count == 0)
        {
            // No candidate: the prompt itself was blocked (promptFeedback.blockReason).
            completion.Choices.Add(new ChatChoice { Index = 0, Message = new ChatMessage { Role = "assistant", Content = "" }, FinishReason = "content_filter" });
            return completion;
        }

        for (var i = 0; i < candidates.Count; i++)
        {
            var candidate = candidates[i];
            var index = candidate.TryGetProperty("index", out var ix) && ix.ValueKind == JsonValueKind.Number ? ix.GetInt32() : i;
            var (text, calls) = Parts(candidate, index);
            completion.Choices.Add(new ChatChoice
            {
                Index = index,
                Message = new ChatMessage
                {
                    Role = "assistant",
                    Content = calls.Count > 0 && text.Length == 0 ? null : (ChatContent)text,
                    ToolCalls = calls.Count > 0 ? calls : null,
                },
                FinishReason = calls.Count > 0 ? "tool_calls" : FinishReason(Str(candidate, "finishReason")) ?? "stop",
            });
        }

        return completion;
    }

    /// <summary>The candidates, or none.</summary>
    public static List<JsonElement> Candidates(JsonElement response) =>
        response.TryGetProperty("candidates", out var c) && c.ValueKind == JsonValueKind.Array ? [.. c.EnumerateArray()] : [];

    /// <summary>A candidate's text and function calls.</summary>
    public static (string Text, List<ToolCall> Calls) Parts(JsonElement candidate, int candidateIndex, int firstCall = 0)
    {
        var text = new System.Text.StringBuilder();
        var calls = new List<ToolCall>();
        if (candidate.TryGetProperty("content", out var content) && content.TryGetProperty("parts", out var parts) && parts.ValueKind == JsonValueKind.Array)
        {
            foreach (var part in parts.EnumerateArray())
            {
                if (part.TryGetProperty("thought", out var thought) && thought.ValueKind == JsonValueKind.True)
                {
                    continue;
                }

                if (part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                {
                    text.Append(t.GetString());
                }
                else if (part.TryGetProperty("functionCall", out var fc))
                {
                    calls.Add(new ToolCall
                    {
                        Id = Str(fc, "id") ?? $"call_{candidateIndex}_{firstCall + calls.Count}",
                        Type = "function",
                        Function = new FunctionCall
                        {
                            Name = Str(fc, "name"),
                            Arguments = fc.TryGetProperty("args", out var args) ? args.GetRawText() : "{}",
                        },
                    });
                }
            }
        }

        return (text.ToString(), calls);
    }

    /// <summary>Maps a Gemini <c>finishReason</c>; null for none.</summary>
    public static string? FinishReason(string? reason) => reason switch
    {
        null or "" or "FINISH_REASON_UNSPECIFIED" => null,
        "STOP" => "stop",
        "MAX_TOKENS" => "length",
        "SAFETY" or "RECITATION" or "BLOCKLIST" or "PROHIBITED_CONTENT" or "SPII" or "IMAGE_SAFETY" => "content_filter",
        _ => "stop",
    };

    /// <summary><c>usageMetadata</c> as usage; null when absent.</summary>
    public static Usage? UsageOf(JsonElement response)
    {
        if (!response.TryGetProperty("usageMetadata", out var u) || u.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var prompt = Int(u, "promptTokenCount");
        var completion = Int(u, "candidatesTokenCount");
        var usage = Usage.Of(prompt, completion);
        if (u.TryGetProperty("totalTokenCount", out var total) && total.ValueKind == JsonValueKind.Number)
        {
            usage.TotalTokens = total.GetInt32();
        }

        if (u.TryGetProperty("thoughtsTokenCount", out var thoughts) && thoughts.ValueKind == JsonValueKind.Number)
        {
            usage.AdditionalProperties = new() { ["completion_tokens_details"] = JsonSerializer.SerializeToElement(new JsonObject { ["reasoning_tokens"] = thoughts.GetInt32() }) };
        }

        return usage;
    }

    /// <summary>A string property, or null.</summary>
    public static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int Int(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : 0;
}
