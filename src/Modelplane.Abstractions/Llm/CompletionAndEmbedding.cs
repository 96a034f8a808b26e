using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modelplane.Abstractions.Llm;

/// <summary>An OpenAI legacy <c>CreateCompletionRequest</c> (openapi.yaml) plus the Databricks query fields.</summary>
public sealed record CompletionRequest
{
    /// <summary>Model id (the endpoint name on Modelplane's OpenAI routes); adapters replace it.</summary>
    public string? Model { get; set; }
    /// <summary>A string or an array of strings (token arrays are passed through as given).</summary>
    public JsonElement? Prompt { get; set; }
    /// <summary>Text after the completion.</summary>
    public string? Suffix { get; set; }
    /// <summary>Most tokens to generate.</summary>
    public int? MaxTokens { get; set; }
    /// <summary>0–2.</summary>
    public double? Temperature { get; set; }
    /// <summary>(0, 1].</summary>
    public double? TopP { get; set; }
    /// <summary>Top-k (Databricks extension).</summary>
    public int? TopK { get; set; }
    /// <summary>Choices per prompt.</summary>
    public int? N { get; set; }
    /// <summary>Stream <c>text_completion</c> events.</summary>
    public bool? Stream { get; set; }
    /// <summary><c>include_usage</c>.</summary>
    public StreamOptions? StreamOptions { get; set; }
    /// <summary>0–5 log probabilities per token.</summary>
    public int? Logprobs { get; set; }
    /// <summary>Echo the prompt.</summary>
    public bool? Echo { get; set; }
    /// <summary>Stop sequences.</summary>
    [JsonConverter(typeof(StopSequencesConverter))]
    public List<string>? Stop { get; set; }
    /// <summary>-2–2.</summary>
    public double? PresencePenalty { get; set; }
    /// <summary>-2–2.</summary>
    public double? FrequencyPenalty { get; set; }
    /// <summary>Server-side best-of.</summary>
    public int? BestOf { get; set; }
    /// <summary>Token id → bias.</summary>
    public JsonElement? LogitBias { get; set; }
    /// <summary>End-user id.</summary>
    public string? User { get; set; }
    /// <summary>Deterministic sampling.</summary>
    public long? Seed { get; set; }
    /// <summary>Databricks: merged into the upstream body.</summary>
    public Dictionary<string, JsonElement>? ExtraParams { get; set; }
    /// <summary>Databricks: usage attribution, never sent upstream.</summary>
    public Dictionary<string, string>? UsageContext { get; set; }
    /// <summary>Databricks: the caller's request id, never sent upstream.</summary>
    public string? ClientRequestId { get; set; }
    /// <summary>Unknown fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    /// <summary>The prompts as strings: one for a string, each for an array of strings; empty otherwise.</summary>
    public IReadOnlyList<string> PromptTexts() => Prompt switch
    {
        { ValueKind: JsonValueKind.String } p => [p.GetString()!],
        { ValueKind: JsonValueKind.Array } a when a.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
            [.. a.EnumerateArray().Select(e => e.GetString()!)],
        _ => [],
    };
}

/// <summary>A <c>text_completion</c> object; streamed chunks have the same shape.</summary>
public sealed record Completion
{
    /// <summary>Id.</summary>
    public string? Id { get; set; }
    /// <summary>Always <c>text_completion</c>.</summary>
    public string Object { get; set; } = "text_completion";
    /// <summary>Unix seconds.</summary>
    public long Created { get; set; }
    /// <summary>The provider's model id.</summary>
    public string? Model { get; set; }
    /// <summary>Choices.</summary>
    public List<CompletionChoice> Choices { get; set; } = [];
    /// <summary>Token counts.</summary>
    public Usage? Usage { get; set; }
    /// <summary>Backend fingerprint.</summary>
    public string? SystemFingerprint { get; set; }
    /// <summary>Unknown fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}

/// <summary>One completion choice (or its streamed fragment).</summary>
public sealed record CompletionChoice
{
    /// <summary>Index.</summary>
    public int Index { get; set; }
    /// <summary>Generated text (a fragment when streamed).</summary>
    public string? Text { get; set; }
    /// <summary><c>stop</c>, <c>length</c>, <c>content_filter</c>; null until the last fragment.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? FinishReason { get; set; }
    /// <summary>Log probabilities, as given.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public JsonElement? Logprobs { get; set; }
}

/// <summary>An OpenAI <c>CreateEmbeddingRequest</c> plus the Databricks query fields.</summary>
public sealed record EmbeddingRequest
{
    /// <summary>Model id (the endpoint name on the OpenAI routes); adapters replace it.</summary>
    public string? Model { get; set; }
    /// <summary>A string or an array of strings (token arrays passed through as given).</summary>
    public JsonElement? Input { get; set; }
    /// <summary>Output dimensions, for models that support it.</summary>
    public int? Dimensions { get; set; }
    /// <summary><c>float</c> (default) or <c>base64</c> (little-endian float32), applied by Modelplane to the answer.</summary>
    public string? EncodingFormat { get; set; }
    /// <summary>End-user id.</summary>
    public string? User { get; set; }
    /// <summary>Databricks: merged into the upstream body.</summary>
    public Dictionary<string, JsonElement>? ExtraParams { get; set; }
    /// <summary>Databricks: usage attribution.</summary>
    public Dictionary<string, string>? UsageContext { get; set; }
    /// <summary>Databricks: the caller's request id.</summary>
    public string? ClientRequestId { get; set; }
    /// <summary>Unknown fields.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }

    /// <summary>The inputs as strings: one for a string, each for an array of strings; empty for token arrays.</summary>
    public IReadOnlyList<string> InputTexts() => Input switch
    {
        { ValueKind: JsonValueKind.String } s => [s.GetString()!],
        { ValueKind: JsonValueKind.Array } a when a.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
            [.. a.EnumerateArray().Select(e => e.GetString()!)],
        _ => [],
    };
}

/// <summary>An embeddings answer: <c>{"object": "list", "data": [...], "model", "usage"}</c>.</summary>
public sealed record EmbeddingResponse
{
    /// <summary>Always <c>list</c>.</summary>
    public string Object { get; set; } = "list";
    /// <summary>One embedding per input, by index.</summary>
    public List<EmbeddingData> Data { get; set; } = [];
    /// <summary>The provider's model id.</summary>
    public string? Model { get; set; }
    /// <summary><c>prompt_tokens</c> and <c>total_tokens</c>.</summary>
    public Usage? Usage { get; set; }
}

/// <summary>One embedding.</summary>
public sealed record EmbeddingData
{
    /// <summary>Always <c>embedding</c>.</summary>
    public string Object { get; set; } = "embedding";
    /// <summary>Input index.</summary>
    public int Index { get; set; }
    /// <summary>The vector: a float array, or a base64 string when the caller asked for <c>base64</c>.</summary>
    public JsonElement Embedding { get; set; }
}
