using System.Text.Json;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Providers.Cohere;

// The parts of Cohere's v2 Chat and Embed answers the adapter reads (https://docs.cohere.com/reference/chat,
// https://docs.cohere.com/v2/docs/streaming, https://docs.cohere.com/reference/embed). Read with LlmJson.Options.

/// <summary>A v2 chat answer: <c>{id, finish_reason, message, usage}</c>.</summary>
internal sealed record CohereChatResponse
{
    public string? Id { get; set; }
    public string? FinishReason { get; set; }
    public CohereMessage? Message { get; set; }
    public CohereUsage? Usage { get; set; }
}

/// <summary>The assistant message: text content blocks and OpenAI-shaped <c>tool_calls</c>.</summary>
internal sealed record CohereMessage
{
    public List<CohereContent>? Content { get; set; }
    public List<ToolCall>? ToolCalls { get; set; }
}

/// <summary>A content block (<c>{type: text, text}</c>).</summary>
internal sealed record CohereContent
{
    public string? Type { get; set; }
    public string? Text { get; set; }
}

/// <summary><c>usage</c>: <c>billed_units</c> and <c>tokens</c>, each with input/output counts (numbers).</summary>
internal sealed record CohereUsage
{
    public CohereTokens? BilledUnits { get; set; }
    public CohereTokens? Tokens { get; set; }
}

/// <summary>Input/output token counts.</summary>
internal sealed record CohereTokens
{
    public double? InputTokens { get; set; }
    public double? OutputTokens { get; set; }
}

/// <summary>One stream event; which fields are set depends on <see cref="Type"/>.</summary>
internal sealed record CohereEvent
{
    public string? Type { get; set; }
    public string? Id { get; set; }
    public int? Index { get; set; }
    public CohereEventDelta? Delta { get; set; }
}

/// <summary>An event's <c>delta</c>: <c>message</c> for content and tool events, finish reason and usage for
/// <c>message-end</c>.</summary>
internal sealed record CohereEventDelta
{
    public CohereDeltaMessage? Message { get; set; }
    public string? FinishReason { get; set; }
    public CohereUsage? Usage { get; set; }
    public string? Error { get; set; }
}

/// <summary><c>delta.message</c>: in content and tool events one content fragment or one tool call (fragment) as an
/// object; <c>message-start</c> carries empty arrays there instead, which <see cref="ContentObject"/> and
/// <see cref="ToolCallObject"/> skip.</summary>
internal sealed record CohereDeltaMessage
{
    public JsonElement? Content { get; set; }
    public JsonElement? ToolCalls { get; set; }

    public CohereContent? ContentObject => Content is { ValueKind: JsonValueKind.Object } c ? c.Deserialize<CohereContent>(LlmJson.Options) : null;

    public ToolCall? ToolCallObject => ToolCalls is { ValueKind: JsonValueKind.Object } t ? t.Deserialize<ToolCall>(LlmJson.Options) : null;
}

/// <summary>A v2 embed answer with <c>embedding_types: ["float"]</c>.</summary>
internal sealed record CohereEmbedResponse
{
    public string? Id { get; set; }
    public CohereEmbeddings? Embeddings { get; set; }
    public CohereMeta? Meta { get; set; }
}

/// <summary><c>embeddings</c> by type; only <c>float</c> is asked for.</summary>
internal sealed record CohereEmbeddings
{
    public List<JsonElement>? Float { get; set; }
}

/// <summary><c>meta</c>: <c>billed_units.input_tokens</c>.</summary>
internal sealed record CohereMeta
{
    public CohereTokens? BilledUnits { get; set; }
}
