using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json.Nodes;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Http;

namespace Modelplane.Providers.Cohere;

/// <summary>
/// <c>llm/v1/chat</c> and <c>llm/v1/embeddings</c> against Cohere's v2 API with <c>Authorization: Bearer</c>:
/// <c>POST {cohere_api_base}/v2/chat</c> (https://docs.cohere.com/reference/chat; streams as server-sent events,
/// asked for with <c>Accept: text/event-stream</c>, newline-delimited JSON read too) and
/// <c>POST {cohere_api_base}/v2/embed</c> (https://docs.cohere.com/reference/embed). Translation:
/// <see cref="CohereRequestBuilder"/>, <see cref="CohereResponseMapper"/>, <see cref="CohereStreamTranslator"/>.
/// <c>llm/v1/completions</c> is refused with 400: Cohere's only completion-style endpoint, v1 <c>/generate</c>, is
/// deprecated in favour of Chat, so Modelplane does not target it. A stream that ends before <c>message-end</c>
/// throws <see cref="UpstreamHttp.BrokenStream"/>.
/// </summary>
public sealed class CohereLlmClient : LlmClientBase
{
    private readonly ExternalModelDefinition model;
    private readonly ExternalModelContext context;
    private readonly string apiBase;

    /// <summary>Creates the client for one entity.</summary>
    /// <param name="model">The external model (its <c>name</c> is the Cohere model id).</param>
    /// <param name="context">HTTP client, credentials (<c>cohere_api_key</c>) and clock.</param>
    /// <param name="apiBase">The API base, e.g. <c>https://api.cohere.com</c>.</param>
    public CohereLlmClient(ExternalModelDefinition model, ExternalModelContext context, Uri apiBase)
        : base(CohereProvider.ProviderName)
    {
        this.model = model;
        this.context = context;
        this.apiBase = apiBase.AbsoluteUri.TrimEnd('/');
    }

    /// <inheritdoc />
    public override async Task<ChatCompletion> ChatAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        var response = await SendAsync("/v2/chat", CohereRequestBuilder.Chat(request, model.Name, stream: false), stream: false, cancellationToken);
        var answer = await UpstreamHttp.ReadJsonAsync<CohereChatResponse>(response, LlmJson.Options, Provider, cancellationToken);
        return CohereResponseMapper.ToCompletion(answer, model.Name, context.Time.GetUtcNow().ToUnixTimeSeconds());
    }

    /// <inheritdoc />
    public override async Task<IAsyncEnumerable<ChatCompletionChunk>> StreamChatAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        var response = await SendAsync("/v2/chat", CohereRequestBuilder.Chat(request, model.Name, stream: true), stream: true, cancellationToken);
        var translator = new CohereStreamTranslator(model.Name, context.Time.GetUtcNow().ToUnixTimeSeconds());
        return ReadStreamAsync(response, translator, cancellationToken);
    }

    /// <inheritdoc />
    public override async Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        var response = await SendAsync("/v2/embed", CohereRequestBuilder.Embed(request, model.Name), stream: false, cancellationToken);
        var answer = await UpstreamHttp.ReadJsonAsync<CohereEmbedResponse>(response, LlmJson.Options, Provider, cancellationToken);
        return CohereResponseMapper.ToEmbeddings(answer, model.Name);
    }

    private async IAsyncEnumerable<ChatCompletionChunk> ReadStreamAsync(
        HttpResponseMessage response, CohereStreamTranslator translator, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var events = response.Content.Headers.ContentType?.MediaType == "text/event-stream"
            ? UpstreamHttp.ReadEventsAsync(response, Provider, cancellationToken)
            : ReadLinesAsync(response, cancellationToken);
        await foreach (var item in events)
        {
            if (item.Data.Trim() is "" or "[DONE]")
            {
                continue;
            }

            foreach (var chunk in translator.OnEvent(UpstreamHttp.ParseEvent<CohereEvent>(item, LlmJson.Options, Provider)))
            {
                yield return chunk;
            }

            if (translator.Completed)
            {
                yield break;
            }
        }

        throw UpstreamHttp.BrokenStream(Provider, "the stream ended without message-end.");
    }

    // Cohere's documented default stream framing without Accept: text/event-stream: one JSON event per line.
    private async IAsyncEnumerable<SseItem<string>> ReadLinesAsync(HttpResponseMessage response, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using (response)
        {
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken), Encoding.UTF8);
            while (true)
            {
                string? line;
                try
                {
                    line = await reader.ReadLineAsync(cancellationToken);
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                {
                    throw UpstreamHttp.BrokenStream(Provider, ex.Message, ex);
                }

                if (line is null)
                {
                    yield break;
                }

                yield return new SseItem<string>(line, null);
            }
        }
    }

    private async Task<HttpResponseMessage> SendAsync(string path, JsonObject body, bool stream, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(apiBase + path))
        {
            Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", context.Credentials.GetValueOrDefault(CohereProvider.ApiKeyField, string.Empty));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(stream ? "text/event-stream" : "application/json"));
        return await UpstreamHttp.SendAsync(context.Http, request, Provider, context.Credentials.Values, cancellationToken);
    }
}
