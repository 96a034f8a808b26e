using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Http;
using Modelplane.Providers.Translation;

namespace Modelplane.Providers.VertexAi;

/// <summary>
/// Gemini on Vertex AI: chat through <c>generateContent</c> / <c>streamGenerateContent?alt=sse</c>, embeddings through
/// <c>predict</c> on text-embedding models, each call authorised with a service-account access token (Bearer).
/// </summary>
internal sealed class VertexAiClient(VertexAiConfig config, string model, ExternalModelContext context, GoogleTokenSource tokens)
    : LlmClientBase(VertexAiProvider.ProviderName)
{
    private readonly string[] secrets = [.. context.Credentials.Values];

    /// <inheritdoc />
    public override async Task<ChatCompletion> ChatAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        var body = GeminiRequestTranslator.ToGemini(request);
        using var response = await SendAsync(config.MethodUri(model, "generateContent"), body, cancellationToken);
        using var doc = await UpstreamHttp.ReadJsonAsync<JsonDocument>(response, LlmJson.Options, Provider, cancellationToken);
        return GeminiResponseTranslator.ToChatCompletion(doc.RootElement, model, context.Time.GetUtcNow().ToUnixTimeSeconds());
    }

    /// <inheritdoc />
    public override async Task<IAsyncEnumerable<ChatCompletionChunk>> StreamChatAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        var body = GeminiRequestTranslator.ToGemini(request);
        var response = await SendAsync(config.MethodUri(model, "streamGenerateContent", "?alt=sse"), body, cancellationToken);
        var translator = new GeminiStreamTranslator("chatcmpl-" + Guid.NewGuid().ToString("N"), model, context.Time.GetUtcNow().ToUnixTimeSeconds());
        return ReadStream(response, translator, cancellationToken);
    }

    /// <inheritdoc />
    public override async Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        var inputs = request.InputTexts();
        if (inputs.Count == 0)
        {
            throw ModelplaneException.InvalidParameter($"input must be a string or an array of strings for provider '{Provider}'.");
        }

        // https://cloud.google.com/vertex-ai/generative-ai/docs/model-reference/text-embeddings-api#request_body
        var body = new JsonObject { ["instances"] = new JsonArray([.. inputs.Select(t => new JsonObject { ["content"] = t })]) };
        if (request.Dimensions is { } dims)
        {
            body["parameters"] = new JsonObject { ["outputDimensionality"] = dims };
        }

        JsonFields.Merge(body, request.ExtraParams);

        using var response = await SendAsync(config.MethodUri(model, "predict"), body, cancellationToken);
        using var doc = await UpstreamHttp.ReadJsonAsync<JsonDocument>(response, LlmJson.Options, Provider, cancellationToken);
        return ToEmbeddings(doc.RootElement);
    }

    private EmbeddingResponse ToEmbeddings(JsonElement root)
    {
        var result = new EmbeddingResponse { Model = model };
        var tokensUsed = 0;
        if (!root.TryGetProperty("predictions", out var predictions) || predictions.ValueKind != JsonValueKind.Array)
        {
            throw new ModelplaneException(ErrorCode.TemporarilyUnavailable, $"Upstream provider '{Provider}' sent an embeddings answer without 'predictions'.", 502);
        }

        var index = 0;
        foreach (var prediction in predictions.EnumerateArray())
        {
            if (!prediction.TryGetProperty("embeddings", out var embeddings) || !embeddings.TryGetProperty("values", out var values))
            {
                throw new ModelplaneException(ErrorCode.TemporarilyUnavailable, $"Upstream provider '{Provider}' sent a prediction without 'embeddings.values'.", 502);
            }

            if (embeddings.TryGetProperty("statistics", out var stats) && stats.TryGetProperty("token_count", out var count) && count.ValueKind == JsonValueKind.Number)
            {
                tokensUsed += (int)count.GetDouble();
            }

            result.Data.Add(new EmbeddingData { Index = index++, Embedding = values.Clone() });
        }

        result.Usage = Usage.Of(tokensUsed, null);
        return result;
    }

    private async IAsyncEnumerable<ChatCompletionChunk> ReadStream(HttpResponseMessage response, GeminiStreamTranslator translator, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in UpstreamHttp.ReadEventsAsync(response, Provider, cancellationToken))
        {
            if (string.IsNullOrWhiteSpace(item.Data))
            {
                continue;
            }

            using var doc = UpstreamHttp.ParseEvent<JsonDocument>(item, LlmJson.Options, Provider);
            if (doc.RootElement.TryGetProperty("error", out _))
            {
                throw UpstreamErrors.FromStatus(Provider, ErrorStatus(doc.RootElement), item.Data, null, secrets);
            }

            foreach (var chunk in translator.Translate(doc.RootElement))
            {
                yield return chunk;
            }
        }

        if (!translator.SawFinish)
        {
            throw UpstreamHttp.BrokenStream(Provider, "the stream ended before any candidate finished");
        }

        if (translator.UsageChunk() is { } usage)
        {
            yield return usage;
        }
    }

    private static int ErrorStatus(JsonElement root) =>
        root.GetProperty("error").TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.Number ? code.GetInt32() : 502;

    private async Task<HttpResponseMessage> SendAsync(Uri uri, JsonObject body, CancellationToken cancellationToken)
    {
        var token = await tokens.GetTokenAsync(cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await UpstreamHttp.SendAsync(context.Http, request, Provider, [.. secrets, token], cancellationToken);
    }
}
