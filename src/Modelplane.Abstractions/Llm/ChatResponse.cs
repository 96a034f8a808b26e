using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modelplane.Abstractions.Llm;

/// <summary>An OpenAI <c>chat.completion</c> object (openapi.yaml <c>CreateChatCompletionResponse</c>).</summary>
public sealed record ChatCompletion
{
    /// <summary>Completion id.</summary>
    public string? Id { get; set; }
    /// <summary>Always <c>chat.completion</c>.</summary>
    public string Object { get; set; } = "chat.completion";
    /// <summary>Unix seconds.</summary>
    public long Created { get; set; }
    /// <summary>The model that answered (the provider's id).</summary>
    public string? Model { get; set; }
    /// <summary>Choices, by index.</summary>
    public List<ChatChoice> Choices { get; set; } = [];
    /// <summary>Token counts.</summary>
    public Usage? Usage { get; set; }
    /// <summary>Backend fingerprint.</summary>
    public string? SystemFingerprint { get; set; }
    /// <summary>Unknown fields (e.g. <c>service_tier</c>).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>One choice of a <c>chat.completion</c>.</summary>
public sealed record ChatChoice
{
    /// <summary>0-based.</summary>
    public int Index { get; set; }
    /// <summary>The assistant message.</summary>
    public ChatMessage? Message { get; set; }
    /// <summary><c>stop</c>, <c>length</c>, <c>tool_calls</c>, <c>content_filter</c>, <c>function_call</c>.</summary>
    public string? FinishReason { get; set; }
    /// <summary>Log probabilities, as the provider gave them (<c>{"content": [...], "refusal": [...]}</c>).</summary>
    public JsonElement? Logprobs { get; set; }
    /// <summary>Unknown fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>A streamed <c>chat.completion.chunk</c>. The usage chunk has no choices and a <see cref="Usage"/>.</summary>
public sealed record ChatCompletionChunk
{
    /// <summary>Same id on every chunk of a stream.</summary>
    public string? Id { get; set; }
    /// <summary>Always <c>chat.completion.chunk</c>.</summary>
    public string Object { get; set; } = "chat.completion.chunk";
    /// <summary>Unix seconds.</summary>
    public long Created { get; set; }
    /// <summary>The provider's model id.</summary>
    public string? Model { get; set; }
    /// <summary>Backend fingerprint.</summary>
    public string? SystemFingerprint { get; set; }
    /// <summary>Deltas by choice index; empty on the usage chunk.</summary>
    public List<ChunkChoice> Choices { get; set; } = [];
    /// <summary>Only on the last chunk, when <c>stream_options.include_usage</c>.</summary>
    public Usage? Usage { get; set; }
    /// <summary>Unknown fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>A choice's delta in a chunk.</summary>
public sealed record ChunkChoice
{
    /// <summary>Choice index.</summary>
    public int Index { get; set; }
    /// <summary>What this chunk adds.</summary>
    public ChatDelta? Delta { get; set; }
    /// <summary>Set on the choice's last chunk.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; set; }
    /// <summary>Log probabilities of this delta's tokens, as given.</summary>
    public JsonElement? Logprobs { get; set; }
    /// <summary>Unknown fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>A message delta.</summary>
public sealed record ChatDelta
{
    /// <summary>On the first delta of a choice.</summary>
    public string? Role { get; set; }
    /// <summary>Text to append.</summary>
    public string? Content { get; set; }
    /// <summary>Refusal text to append.</summary>
    public string? Refusal { get; set; }
    /// <summary>Tool-call fragments, by <see cref="ToolCallDelta.Index"/>.</summary>
    public List<ToolCallDelta>? ToolCalls { get; set; }
    /// <summary>Unknown fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>A tool-call fragment: the first carries <c>id</c>, <c>type</c> and the name; later ones argument text.</summary>
public sealed record ToolCallDelta
{
    /// <summary>Which tool call of the choice (0-based); fragments with the same index concatenate.</summary>
    public int Index { get; set; }
    /// <summary>Call id (first fragment).</summary>
    public string? Id { get; set; }
    /// <summary><c>function</c> (first fragment).</summary>
    public string? Type { get; set; }
    /// <summary>Name (first fragment) and argument text to append.</summary>
    public FunctionCall? Function { get; set; }
}

/// <summary>Token counts (<c>CompletionUsage</c>), the same shape for every task.</summary>
public sealed record Usage
{
    /// <summary>Input tokens.</summary>
    public int PromptTokens { get; set; }
    /// <summary>Output tokens; absent for embeddings.</summary>
    public int? CompletionTokens { get; set; }
    /// <summary>Sum.</summary>
    public int TotalTokens { get; set; }
    /// <summary>Breakdowns, as given (<c>prompt_tokens_details</c>, <c>completion_tokens_details</c>).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    /// <summary>A usage with the total filled in.</summary>
    public static Usage Of(int prompt, int? completion) => new() { PromptTokens = prompt, CompletionTokens = completion, TotalTokens = prompt + (completion ?? 0) };
}
