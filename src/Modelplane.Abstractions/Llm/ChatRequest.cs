using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modelplane.Abstractions.Llm;

/// <summary>
/// An OpenAI <c>CreateChatCompletionRequest</c> (openapi.yaml), the canonical chat request inside Modelplane, plus the
/// Databricks query fields <c>extra_params</c>, <c>usage_context</c> and <c>client_request_id</c>
/// (databricks-serving.md §2.2). Unknown fields land in <see cref="AdditionalProperties"/> and are sent on to
/// OpenAI-compatible upstreams unchanged.
/// </summary>
public sealed record ChatCompletionRequest
{
    /// <summary>Model id; on Modelplane's OpenAI routes the endpoint name. Adapters replace it with the entity's model.</summary>
    public string? Model { get; set; }
    /// <summary>The conversation (at least one message).</summary>
    public List<ChatMessage>? Messages { get; set; }
    /// <summary>Sampling temperature, 0–2.</summary>
    public double? Temperature { get; set; }
    /// <summary>Nucleus sampling mass, (0, 1].</summary>
    public double? TopP { get; set; }
    /// <summary>Top-k sampling (Databricks extension; not an OpenAI field).</summary>
    public int? TopK { get; set; }
    /// <summary>Number of choices, ≥ 1.</summary>
    public int? N { get; set; }
    /// <summary>Stream <c>chat.completion.chunk</c> events.</summary>
    public bool? Stream { get; set; }
    /// <summary>Stream options (<c>include_usage</c>).</summary>
    public StreamOptions? StreamOptions { get; set; }
    /// <summary>Up to 4 stop sequences (a string or an array on the wire).</summary>
    [JsonConverter(typeof(StopSequencesConverter))]
    public List<string>? Stop { get; set; }
    /// <summary>Most tokens to generate (legacy name).</summary>
    public int? MaxTokens { get; set; }
    /// <summary>Most tokens to generate, reasoning included (newer name).</summary>
    public int? MaxCompletionTokens { get; set; }
    /// <summary>-2–2.</summary>
    public double? PresencePenalty { get; set; }
    /// <summary>-2–2.</summary>
    public double? FrequencyPenalty { get; set; }
    /// <summary>Token id → bias, as given.</summary>
    public JsonElement? LogitBias { get; set; }
    /// <summary>Return log probabilities of output tokens.</summary>
    public bool? Logprobs { get; set; }
    /// <summary>0–20 most likely tokens per position (needs <see cref="Logprobs"/>).</summary>
    public int? TopLogprobs { get; set; }
    /// <summary>End-user id.</summary>
    public string? User { get; set; }
    /// <summary>Best-effort deterministic sampling.</summary>
    public long? Seed { get; set; }
    /// <summary>Function tools.</summary>
    public List<ChatTool>? Tools { get; set; }
    /// <summary><c>none</c>, <c>auto</c>, <c>required</c>, or <c>{"type":"function","function":{"name"}}</c>, as given.</summary>
    public JsonElement? ToolChoice { get; set; }
    /// <summary>Allow several tool calls in one turn.</summary>
    public bool? ParallelToolCalls { get; set; }
    /// <summary><c>text</c>, <c>json_object</c> or <c>json_schema</c>.</summary>
    public ResponseFormat? ResponseFormat { get; set; }
    /// <summary>Databricks: provider-specific fields merged into the upstream request body.</summary>
    public Dictionary<string, JsonElement>? ExtraParams { get; set; }
    /// <summary>Databricks: key/values written to usage tracking for cost attribution; never sent upstream.</summary>
    public Dictionary<string, string>? UsageContext { get; set; }
    /// <summary>Databricks: the caller's own request id; never sent upstream.</summary>
    public string? ClientRequestId { get; set; }
    /// <summary>Fields this record does not know, kept as given.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    /// <summary>The output cap asked for: <see cref="MaxCompletionTokens"/>, else <see cref="MaxTokens"/>, else null.</summary>
    [JsonIgnore]
    public int? MaxOutputTokens => MaxCompletionTokens ?? MaxTokens;
}

/// <summary><c>stream_options</c>.</summary>
public sealed record StreamOptions
{
    /// <summary>Send a last chunk with <c>usage</c> and no choices before <c>[DONE]</c>.</summary>
    public bool? IncludeUsage { get; set; }
    /// <summary>Unknown fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>One message: <c>system</c>, <c>developer</c>, <c>user</c>, <c>assistant</c> or <c>tool</c>.</summary>
public sealed record ChatMessage
{
    /// <summary>The role.</summary>
    public string? Role { get; set; }
    /// <summary>Text, or content parts; null for an assistant message that only calls tools.</summary>
    public ChatContent? Content { get; set; }
    /// <summary>Optional participant name.</summary>
    public string? Name { get; set; }
    /// <summary>Assistant tool calls.</summary>
    public List<ToolCall>? ToolCalls { get; set; }
    /// <summary>For <c>tool</c> messages: the call answered.</summary>
    public string? ToolCallId { get; set; }
    /// <summary>Assistant refusal text.</summary>
    public string? Refusal { get; set; }
    /// <summary>Unknown fields (e.g. <c>audio</c>).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>Message content: a plain string or an array of parts (the wire allows both).</summary>
[JsonConverter(typeof(ChatContentConverter))]
public sealed record ChatContent
{
    /// <summary>Plain text content, or null when <see cref="Parts"/> is set.</summary>
    public string? Text { get; init; }
    /// <summary>Content parts, or null when <see cref="Text"/> is set.</summary>
    public IReadOnlyList<ContentPart>? Parts { get; init; }

    /// <summary>All text of the content: the string, or the <c>text</c> parts joined by newlines.</summary>
    public string AllText() => Text ?? string.Join("\n", Parts?.Where(p => p.Text is not null).Select(p => p.Text) ?? []);

    /// <summary>Plain text content.</summary>
    public static implicit operator ChatContent(string text) => new() { Text = text };
}

/// <summary>A content part: <c>text</c>, <c>image_url</c>, <c>input_audio</c>, <c>file</c>, <c>refusal</c>.</summary>
public sealed record ContentPart
{
    /// <summary>The part type.</summary>
    public string? Type { get; set; }
    /// <summary>For <c>text</c> (and <c>refusal</c> parts, whose text is in <c>refusal</c>).</summary>
    public string? Text { get; set; }
    /// <summary>For <c>image_url</c>: an https URL or a <c>data:</c> URL.</summary>
    public ImageUrl? ImageUrl { get; set; }
    /// <summary>Unknown fields of the part.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary><c>image_url</c> of a content part.</summary>
public sealed record ImageUrl
{
    /// <summary>https or <c>data:&lt;media type&gt;;base64,…</c>.</summary>
    public string? Url { get; set; }
    /// <summary><c>auto</c>, <c>low</c>, <c>high</c>.</summary>
    public string? Detail { get; set; }
}

/// <summary>A tool the model may call.</summary>
public sealed record ChatTool
{
    /// <summary>Always <c>function</c>.</summary>
    public string? Type { get; set; }
    /// <summary>The function.</summary>
    public FunctionDefinition? Function { get; set; }
    /// <summary>Unknown fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>A function tool's definition.</summary>
public sealed record FunctionDefinition
{
    /// <summary>Function name.</summary>
    public string? Name { get; set; }
    /// <summary>What it does.</summary>
    public string? Description { get; set; }
    /// <summary>JSON Schema of the arguments, as given.</summary>
    public JsonElement? Parameters { get; set; }
    /// <summary>Strict schema adherence.</summary>
    public bool? Strict { get; set; }
    /// <summary>Unknown fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>A tool call in an assistant message.</summary>
public sealed record ToolCall
{
    /// <summary>Call id.</summary>
    public string? Id { get; set; }
    /// <summary>Always <c>function</c>.</summary>
    public string? Type { get; set; }
    /// <summary>Name and JSON-encoded arguments.</summary>
    public FunctionCall? Function { get; set; }
    /// <summary>Unknown fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>A function call: name and arguments as a JSON string.</summary>
public sealed record FunctionCall
{
    /// <summary>Function name.</summary>
    public string? Name { get; set; }
    /// <summary>Arguments, JSON text (possibly a fragment in a stream delta).</summary>
    public string? Arguments { get; set; }
}

/// <summary><c>response_format</c>.</summary>
public sealed record ResponseFormat
{
    /// <summary><c>text</c>, <c>json_object</c> or <c>json_schema</c>.</summary>
    public string? Type { get; set; }
    /// <summary>For <c>json_schema</c>.</summary>
    public JsonSchemaFormat? JsonSchema { get; set; }
}

/// <summary><c>response_format.json_schema</c>.</summary>
public sealed record JsonSchemaFormat
{
    /// <summary>Schema name (<c>^[a-zA-Z0-9_-]{1,64}$</c>).</summary>
    public string? Name { get; set; }
    /// <summary>Description.</summary>
    public string? Description { get; set; }
    /// <summary>The JSON Schema, as given.</summary>
    public JsonElement? Schema { get; set; }
    /// <summary>Strict adherence.</summary>
    public bool? Strict { get; set; }
}
