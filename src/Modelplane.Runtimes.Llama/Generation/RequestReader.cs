using System.Text.Json;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Runtimes.Llama.Grammars;

namespace Modelplane.Runtimes.Llama.Generation;

/// <summary>
/// Validates OpenAI chat and completion requests against what a local GGUF model supports and turns them into
/// <see cref="GenerationSettings"/>. Every refusal is <see cref="ModelplaneException"/> 400 naming the field.
/// </summary>
internal static class RequestReader
{
    /// <summary>The settings of a chat request (messages are handled by <see cref="ChatPrompt"/>).</summary>
    public static GenerationSettings Chat(ChatCompletionRequest r, int defaultMaxTokens, int parallel, int vocab)
    {
        if (r.Tools is { Count: > 0 })
        {
            throw Field("tools", "tools is not supported on local GGUF models.");
        }

        if (r.ToolChoice is { } choice && !(choice.ValueKind == JsonValueKind.String && choice.GetString() == "none") && choice.ValueKind != JsonValueKind.Null)
        {
            throw Field("tool_choice", "tool_choice is not supported on local GGUF models.");
        }

        if (r.TopLogprobs is < 0 or > 20)
        {
            throw Field("top_logprobs", "top_logprobs must be from 0 to 20.");
        }

        if (r.TopLogprobs > 0 && r.Logprobs != true)
        {
            throw Field("top_logprobs", "top_logprobs needs logprobs: true.");
        }

        return Common(r.N, r.MaxOutputTokens, r.MaxCompletionTokens is null ? "max_tokens" : "max_completion_tokens", r.Temperature, r.TopP, r.TopK,
                r.PresencePenalty, r.FrequencyPenalty, r.LogitBias, r.Seed, r.Stop, defaultMaxTokens, parallel, vocab) with
        {
            Logprobs = r.Logprobs == true,
            TopLogprobs = r.TopLogprobs ?? 0,
            Grammar = Grammar(r.ResponseFormat),
        };
    }

    /// <summary>The prompt text and settings of a legacy completion request.</summary>
    public static (string Prompt, GenerationSettings Settings) Completion(CompletionRequest r, int defaultMaxTokens, int parallel, int vocab)
    {
        if (r.Prompt is not { ValueKind: JsonValueKind.String } prompt)
        {
            throw Field("prompt", "prompt must be a single string on local GGUF models.");
        }

        if (r.Echo == true)
        {
            throw Field("echo", "echo is not supported on local GGUF models.");
        }

        if (r.Suffix is not null)
        {
            throw Field("suffix", "suffix is not supported on local GGUF models.");
        }

        if (r.BestOf is > 1)
        {
            throw Field("best_of", "best_of is not supported on local GGUF models.");
        }

        if (r.Logprobs is < 0 or > 20)
        {
            throw Field("logprobs", "logprobs must be from 0 to 20.");
        }

        var settings = Common(r.N, r.MaxTokens, "max_tokens", r.Temperature, r.TopP, r.TopK, r.PresencePenalty, r.FrequencyPenalty,
            r.LogitBias, r.Seed, r.Stop, defaultMaxTokens, parallel, vocab) with
        { Logprobs = r.Logprobs is not null, TopLogprobs = r.Logprobs ?? 0 };
        return (prompt.GetString()!, settings);
    }

    private static GenerationSettings Common(int? n, int? maxTokens, string maxField, double? temperature, double? topP, int? topK,
        double? presence, double? frequency, JsonElement? logitBias, long? seed, List<string>? stop, int defaultMaxTokens, int parallel, int vocab)
    {
        if (n is { } count && (count < 1 || count > parallel))
        {
            throw Field("n", $"n is {count}; this model generates 1 to {parallel} choices per request.");
        }

        if (maxTokens is < 1)
        {
            throw Field(maxField, $"{maxField} must be at least 1.");
        }

        Range(temperature, 0, 2, "temperature");
        if (topP is <= 0 or > 1)
        {
            throw Field("top_p", "top_p must be greater than 0 and at most 1.");
        }

        if (topK is < 0)
        {
            throw Field("top_k", "top_k must be 0 or more.");
        }

        Range(presence, -2, 2, "presence_penalty");
        Range(frequency, -2, 2, "frequency_penalty");
        if (stop is { Count: > 4 } || stop?.Any(string.IsNullOrEmpty) == true)
        {
            throw Field("stop", "stop takes up to 4 non-empty strings.");
        }

        return new GenerationSettings
        {
            N = n ?? 1,
            MaxTokens = maxTokens ?? defaultMaxTokens,
            Temperature = (float)(temperature ?? 1),
            TopP = (float)(topP ?? 1),
            TopK = topK ?? 0,
            PresencePenalty = (float)(presence ?? 0),
            FrequencyPenalty = (float)(frequency ?? 0),
            LogitBias = Bias(logitBias, vocab),
            Seed = seed is { } s ? unchecked((uint)s) : null,
            Stop = stop ?? [],
        };
    }

    private static Dictionary<int, float> Bias(JsonElement? logitBias, int vocab)
    {
        var result = new Dictionary<int, float>();
        if (logitBias is not { ValueKind: not JsonValueKind.Null } bias)
        {
            return result;
        }

        if (bias.ValueKind != JsonValueKind.Object)
        {
            throw Field("logit_bias", "logit_bias must be an object of token id to bias.");
        }

        foreach (var p in bias.EnumerateObject())
        {
            if (!int.TryParse(p.Name, out var id) || id < 0 || id >= vocab || p.Value.ValueKind != JsonValueKind.Number
                || p.Value.GetDouble() is < -100 or > 100)
            {
                throw Field($"logit_bias.{p.Name}", $"logit_bias.{p.Name} needs a token id below {vocab} and a bias from -100 to 100.");
            }

            result[id] = (float)p.Value.GetDouble();
        }

        return result;
    }

    private static string? Grammar(ResponseFormat? format) => format?.Type switch
    {
        null or "text" => null,
        "json_object" => JsonGbnf.JsonObject,
        "json_schema" => format.JsonSchema?.Schema is { } schema
            ? Schema(schema)
            : throw Field("response_format.json_schema.schema", "response_format.json_schema.schema is required for json_schema."),
        var other => throw Field("response_format.type", $"response_format.type '{other}' is not supported (text, json_object, json_schema)."),
    };

    private static string Schema(System.Text.Json.JsonElement schema)
    {
        try
        {
            return JsonSchemaGbnf.Convert(schema);
        }
        catch (ModelplaneException ex) when (ex.Param is null)
        {
            // The message names the keyword's path inside the schema; the param is the schema itself.
            throw new ModelplaneException(ex.ErrorCode, ex.Message, ex.StatusCode, ex) { Param = "response_format.json_schema.schema" };
        }
    }

    private static void Range(double? value, double min, double max, string field)
    {
        if (value < min || value > max)
        {
            throw Field(field, $"{field} must be from {min} to {max}.");
        }
    }

    /// <summary>A 400 naming <paramref name="field"/> (also in <see cref="ModelplaneException.Param"/>).</summary>
    public static ModelplaneException Field(string field, string message) =>
        new(ErrorCode.InvalidParameterValue, message) { Param = field };
}
