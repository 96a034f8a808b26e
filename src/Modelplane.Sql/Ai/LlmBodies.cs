using System.Text.Json;
using System.Text.Json.Nodes;

namespace Modelplane.Sql.Ai;

/// <summary>
/// The OpenAI-shaped bodies the AI functions send to LLM endpoints and what they read back (Databricks query shapes,
/// databricks-serving.md §2.2): chat <c>{"messages": [{"role": "user", "content": prompt}], …modelParameters,
/// "response_format": …}</c> → <c>choices[0].message.content</c>; completions <c>{"prompt": …}</c> →
/// <c>choices[0].text</c>; embeddings <c>{"input": [...]}</c> → <c>data[i].embedding</c> ordered by <c>index</c>.
/// </summary>
public static class LlmBodies
{
    /// <summary>Task names as endpoints report them.</summary>
    public const string ChatTask = "llm/v1/chat", CompletionsTask = "llm/v1/completions", EmbeddingsTask = "llm/v1/embeddings";

    /// <summary>A chat request of one user message (optionally after a system message).</summary>
    /// <param name="prompt">The user message.</param>
    /// <param name="modelParameters">Extra top-level fields (<c>max_tokens</c>, <c>temperature</c>, …) copied as given; null for none.</param>
    /// <param name="responseFormat">The <c>response_format</c> object (<c>{"type": "json_schema", …}</c>); null for none.</param>
    /// <param name="system">A system message placed first; null for none.</param>
    public static string Chat(string prompt, JsonObject? modelParameters = null, JsonNode? responseFormat = null, string? system = null)
    {
        var messages = new JsonArray();
        if (system is not null)
        {
            messages.Add(new JsonObject { ["role"] = "system", ["content"] = system });
        }

        messages.Add(new JsonObject { ["role"] = "user", ["content"] = prompt });
        var body = WithParameters(modelParameters);
        body["messages"] = messages;
        if (responseFormat is not null)
        {
            body["response_format"] = responseFormat.DeepClone();
        }

        return body.ToJsonString();
    }

    /// <summary>A completions request.</summary>
    /// <param name="prompt">The prompt.</param>
    /// <param name="modelParameters">Extra top-level fields; null for none.</param>
    public static string Completion(string prompt, JsonObject? modelParameters = null)
    {
        var body = WithParameters(modelParameters);
        body["prompt"] = prompt;
        return body.ToJsonString();
    }

    /// <summary>An embeddings request for several inputs at once.</summary>
    /// <param name="inputs">The texts, in order.</param>
    /// <param name="modelParameters">Extra top-level fields (<c>dimensions</c>, …) copied as given; null for none.</param>
    public static string Embeddings(IEnumerable<string> inputs, JsonObject? modelParameters = null)
    {
        var body = WithParameters(modelParameters);
        body["input"] = new JsonArray([.. inputs.Select(i => JsonValue.Create(i))]);
        return body.ToJsonString();
    }

    /// <summary>The text of a chat answer (<c>choices[0].message.content</c>).</summary>
    /// <param name="answer">The answer document.</param>
    /// <exception cref="InvalidDataException">The answer has no such string (the message says what it had).</exception>
    public static string ChatContent(JsonElement answer) =>
        Choice(answer).TryGetProperty("message", out var message) && message.TryGetProperty("content", out var content)
            && content.ValueKind == JsonValueKind.String
            ? content.GetString()!
            : throw new InvalidDataException($"The chat answer has no choices[0].message.content string: {Start(answer)}");

    /// <summary>The text of a completions answer (<c>choices[0].text</c>).</summary>
    /// <param name="answer">The answer document.</param>
    /// <exception cref="InvalidDataException">The answer has no such string.</exception>
    public static string CompletionText(JsonElement answer) =>
        Choice(answer).TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
            ? text.GetString()!
            : throw new InvalidDataException($"The completions answer has no choices[0].text string: {Start(answer)}");

    /// <summary>The vectors of an embeddings answer, in input order (by <c>index</c>).</summary>
    /// <param name="answer">The answer document.</param>
    /// <param name="count">How many inputs were sent.</param>
    /// <exception cref="InvalidDataException">The answer does not hold exactly one float vector per input.</exception>
    public static float[][] EmbeddingVectors(JsonElement answer, int count)
    {
        var vectors = new float[count][];
        if (answer.ValueKind != JsonValueKind.Object || !answer.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException($"The embeddings answer has no 'data' array: {Start(answer)}");
        }

        var position = 0;
        foreach (var item in data.EnumerateArray())
        {
            var index = item.TryGetProperty("index", out var i) && i.TryGetInt32(out var n) ? n : position;
            if (index < 0 || index >= count || !item.TryGetProperty("embedding", out var embedding) || embedding.ValueKind != JsonValueKind.Array)
            {
                throw new InvalidDataException($"The embeddings answer's data[{position}] is not an embedding for one of the {count} inputs.");
            }

            vectors[index] = [.. embedding.EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Number && v.GetSingle() is var f && float.IsFinite(f)
                ? f
                : throw new InvalidDataException($"The embeddings answer's data[{position}] holds {v.GetRawText()}, not a finite number."))];
            position++;
        }

        return Array.IndexOf(vectors, null) is var missing && missing >= 0
            ? throw new InvalidDataException($"The embeddings answer has no vector for input {missing}.")
            : vectors;
    }

    private static JsonObject WithParameters(JsonObject? modelParameters) =>
        modelParameters?.DeepClone().AsObject() ?? [];

    private static JsonElement Choice(JsonElement answer) =>
        answer.ValueKind == JsonValueKind.Object && answer.TryGetProperty("choices", out var choices)
            && choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0
            ? choices[0]
            : throw new InvalidDataException($"The answer has no choices: {Start(answer)}");

    private static string Start(JsonElement answer) => answer.GetRawText() is var text && text.Length > 200 ? text[..200] + "…" : text;
}
