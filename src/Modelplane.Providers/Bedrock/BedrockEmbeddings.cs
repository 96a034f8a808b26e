using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Translation;

namespace Modelplane.Providers.Bedrock;

/// <summary>
/// Embedding bodies for <c>InvokeModel</c> (<c>POST /model/{id}/invoke</c>), chosen by <c>bedrock_provider</c>:
/// <list type="bullet">
/// <item><c>amazon</c> — Titan Text Embeddings
/// (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-titan-embed-text.html): one call per input,
/// <c>{"inputText", "dimensions"?}</c> → <c>{"embedding": [...], "inputTextTokenCount"}</c>.</item>
/// <item><c>cohere</c> — Cohere Embed
/// (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-embed.html): one call for all inputs,
/// <c>{"texts": [...], "input_type": "search_document"}</c> (overridable through <c>extra_params</c>) →
/// <c>{"embeddings": [[...]]}</c> (or <c>{"embeddings": {"float": [[...]]}}</c>); Cohere reports no token count, so
/// usage is 0.</item>
/// </list>
/// Other families have no embedding model on Bedrock and are refused at config time.
/// </summary>
internal static class BedrockEmbeddings
{
    /// <summary>The request bodies for <paramref name="request"/>, one per call.</summary>
    public static List<JsonObject> Bodies(string family, EmbeddingRequest request)
    {
        var inputs = request.InputTexts();
        if (inputs.Count == 0)
        {
            throw ModelplaneException.InvalidParameter($"input must be a string or an array of strings for provider '{BedrockProvider.ProviderName}'.");
        }

        if (family == "cohere")
        {
            var body = new JsonObject { ["texts"] = new JsonArray([.. inputs.Select(t => JsonValue.Create(t))]), ["input_type"] = "search_document" };
            JsonFields.Merge(body, request.ExtraParams);
            return [body];
        }

        return [.. inputs.Select(text =>
        {
            var body = new JsonObject { ["inputText"] = text };
            if (request.Dimensions is { } dims)
            {
                body["dimensions"] = dims;
            }

            JsonFields.Merge(body, request.ExtraParams);
            return body;
        })];
    }

    /// <summary>Reads one answer into <paramref name="into"/>; returns the tokens it reports.</summary>
    /// <exception cref="JsonException">The answer is not the documented shape.</exception>
    public static int Read(string family, JsonElement root, List<EmbeddingData> into)
    {
        if (family == "cohere")
        {
            var embeddings = root.GetProperty("embeddings");
            if (embeddings.ValueKind == JsonValueKind.Object)
            {
                embeddings = embeddings.GetProperty("float");
            }

            foreach (var vector in embeddings.EnumerateArray())
            {
                into.Add(new EmbeddingData { Index = into.Count, Embedding = vector.Clone() });
            }

            return 0;
        }

        into.Add(new EmbeddingData { Index = into.Count, Embedding = root.GetProperty("embedding").Clone() });
        return root.TryGetProperty("inputTextTokenCount", out var count) && count.ValueKind == JsonValueKind.Number ? count.GetInt32() : 0;
    }
}
