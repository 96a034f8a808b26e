using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Http;

namespace Modelplane.Providers.Bedrock;

/// <summary>
/// Amazon Bedrock: chat through the Converse API (<c>POST /model/{id}/converse</c> and <c>/converse-stream</c>, the
/// latter answered as an AWS event stream), embeddings through <c>InvokeModel</c>; every request SigV4-signed.
/// Completions are refused (400): Converse is a chat API.
/// </summary>
internal sealed class BedrockClient(BedrockConfig config, string model, ExternalModelContext context, BedrockSigner signer)
    : LlmClientBase(BedrockProvider.ProviderName)
{
    private readonly string[] secrets = [.. context.Credentials.Values];

    /// <inheritdoc />
    public override async Task<ChatCompletion> ChatAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        var body = ConverseRequestTranslator.ToConverse(request, config.ModelFamily);
        using var response = await SendAsync(config.OperationUri(model, "converse"), body, cancellationToken);
        var id = ResponseId(response);
        using var doc = await UpstreamHttp.ReadJsonAsync<JsonDocument>(response, LlmJson.Options, Provider, cancellationToken);
        return ConverseResponseTranslator.ToChatCompletion(doc.RootElement, id, model, context.Time.GetUtcNow().ToUnixTimeSeconds());
    }

    /// <inheritdoc />
    public override async Task<IAsyncEnumerable<ChatCompletionChunk>> StreamChatAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        var body = ConverseRequestTranslator.ToConverse(request, config.ModelFamily);
        var response = await SendAsync(config.OperationUri(model, "converse-stream"), body, cancellationToken);
        var translator = new ConverseStreamTranslator(ResponseId(response), model, context.Time.GetUtcNow().ToUnixTimeSeconds());
        return ReadStream(response, translator, cancellationToken);
    }

    /// <inheritdoc />
    public override async Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        var result = new EmbeddingResponse { Model = model };
        var tokens = 0;
        foreach (var body in BedrockEmbeddings.Bodies(config.ModelFamily, request))
        {
            using var response = await SendAsync(config.OperationUri(model, "invoke"), body, cancellationToken);
            using var doc = await UpstreamHttp.ReadJsonAsync<JsonDocument>(response, LlmJson.Options, Provider, cancellationToken);
            try
            {
                tokens += BedrockEmbeddings.Read(config.ModelFamily, doc.RootElement, result.Data);
            }
            catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException)
            {
                throw new ModelplaneException(ErrorCode.TemporarilyUnavailable, $"Upstream provider '{Provider}' sent an embeddings answer that could not be read.", 502, ex);
            }
        }

        result.Usage = Usage.Of(tokens, null);
        return result;
    }

    private async IAsyncEnumerable<ChatCompletionChunk> ReadStream(HttpResponseMessage response, ConverseStreamTranslator translator, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var frame in EventStreamFrameDecoder.ReadAsync(response, cancellationToken))
        {
            var payloadText = Encoding.UTF8.GetString(frame.Payload);
            if (frame.Header(":message-type") is "exception" or "error")
            {
                throw StreamException(frame, payloadText);
            }

            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(frame.Payload);
            }
            catch (JsonException ex)
            {
                throw new ModelplaneException(ErrorCode.TemporarilyUnavailable, $"Upstream provider '{Provider}' sent a stream event that could not be read ({frame.Header(":event-type")}).", 502, ex);
            }

            using (doc)
            {
                foreach (var chunk in translator.Translate(frame.Header(":event-type") ?? "", doc.RootElement))
                {
                    yield return chunk;
                }
            }
        }

        if (!translator.SawStop)
        {
            throw UpstreamHttp.BrokenStream(Provider, "the event stream ended before messageStop");
        }
    }

    /// <summary>An <c>:message-type exception</c> frame as an error: throttlingException → 429, validationException →
    /// 400, serviceUnavailableException → 503, others → 502.</summary>
    private ModelplaneException StreamException(EventStreamFrame frame, string payload)
    {
        var type = frame.Header(":exception-type") ?? frame.Header(":error-code") ?? "unknown";
        var status = type switch
        {
            "throttlingException" => 429,
            "validationException" => 400,
            "serviceUnavailableException" => 503,
            "accessDeniedException" => 403,
            "resourceNotFoundException" => 404,
            _ => 502,
        };
        var error = UpstreamErrors.FromStatus(Provider, status, payload, null, secrets);
        return new ModelplaneException(error.ErrorCode, $"{error.Message} ({type})", error.StatusCode, error) { RetryAfterSeconds = error.RetryAfterSeconds };
    }

    private static string ResponseId(HttpResponseMessage response) =>
        "chatcmpl-" + (response.Headers.TryGetValues("x-amzn-RequestId", out var ids) ? ids.First() : Guid.NewGuid().ToString("N"));

    private async Task<HttpResponseMessage> SendAsync(Uri uri, JsonObject body, CancellationToken cancellationToken)
    {
        const string contentType = "application/json";
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        signer.Sign(request, bytes, contentType);
        return await UpstreamHttp.SendAsync(context.Http, request, Provider, secrets, cancellationToken);
    }
}
