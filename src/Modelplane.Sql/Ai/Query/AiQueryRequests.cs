using System.Text.Json;
using System.Text.Json.Nodes;

namespace Modelplane.Sql.Ai.Query;

/// <summary>
/// How <c>ai_query</c> rows become request bodies and answers become row results (databricks-serving.md §2, §6).
/// A row's request arrives as <c>to_json(request)</c>: a STRUCT is an object (DuckDB's numbers stay numbers), text is a
/// JSON string.
/// </summary>
internal static class AiQueryRequests
{
    /// <summary>A text row's string; null when the request is not text.</summary>
    public static string? Text(AiQueryRow row) =>
        Parse(row.Request) is JsonValue text && text.GetValueKind() == JsonValueKind.String ? text.GetValue<string>() : null;

    /// <summary>
    /// An LLM row's body: text is the user message (chat, with <c>modelParameters</c> and <c>response_format</c>) or the
    /// prompt (completions); a chat STRUCT with <c>messages</c> is sent as given, with the same extras. Null for anything else.
    /// </summary>
    public static string? LlmBody(AiQueryRow row, bool chat, AiQueryArguments arguments)
    {
        var request = Parse(row.Request);
        if (request is JsonValue text && text.GetValueKind() == JsonValueKind.String)
        {
            return chat
                ? LlmBodies.Chat(text.GetValue<string>(), arguments.ModelParameters, arguments.ResponseFormat)
                : LlmBodies.Completion(text.GetValue<string>(), arguments.ModelParameters);
        }

        if (!chat || request is not JsonObject { } body || body["messages"] is not JsonArray)
        {
            return null;
        }

        if (arguments.ResponseFormat is not null)
        {
            body["response_format"] = arguments.ResponseFormat.DeepClone();
        }

        return WithParameters(body.ToJsonString(), arguments.ModelParameters);
    }

    /// <summary>A body with <paramref name="parameters"/> copied in as top-level fields (the body's own fields win).</summary>
    public static string WithParameters(string body, JsonObject? parameters)
    {
        if (parameters is null)
        {
            return body;
        }

        var merged = (JsonObject)parameters.DeepClone();
        foreach (var (name, value) in JsonNode.Parse(body)!.AsObject())
        {
            merged[name] = value?.DeepClone();
        }

        return merged.ToJsonString();
    }

    /// <summary>A chat answer's content as the row's result: a string for a text return type, else its JSON when it parses.</summary>
    public static JsonNode? ChatResult(string content, AiQueryReturnType returnType) =>
        returnType.IsText ? JsonValue.Create(content) : TryParse(content) ?? JsonValue.Create(content);

    private static JsonNode? Parse(string json) => TryParse(json);

    private static JsonNode? TryParse(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
