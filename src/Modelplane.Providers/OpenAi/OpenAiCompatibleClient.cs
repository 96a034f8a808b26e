using System.Text.Json.Nodes;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Http;

namespace Modelplane.Providers.OpenAi;

/// <summary>
/// An <see cref="ILlmClient"/> for any server that speaks the OpenAI HTTP API (openapi.yaml): OpenAI, Azure OpenAI,
/// vLLM/TGI/Ollama-style <c>custom</c> servers and another workspace's <c>/serving-endpoints</c> routes. It POSTs to
/// <c>{base}/chat/completions</c>, <c>/completions</c> and <c>/embeddings</c> (as <see cref="OpenAiTarget.Route"/> maps them).
/// </summary>
/// <remarks>
/// <para>
/// Why not the official OpenAI .NET SDK for the call: Modelplane's canonical records already are the OpenAI wire
/// format, and an OpenAI-compatible gateway must forward what it does not understand. The SDK's typed options
/// (<c>ChatCompletionOptions</c> etc.) drop unknown fields and cannot express everything OpenAI-compatible upstreams
/// accept (<c>top_k</c>, provider extras from <c>extra_params</c>, unknown fields nested in messages or tools,
/// <c>n</c>/<c>logprobs</c> combinations); a round trip through them would silently lose data. So the body is the
/// request record serialized with <see cref="LlmJson.Options"/> (<see cref="OpenAiRequestBody"/>), and answers are read
/// straight into <see cref="ChatCompletion"/>, <see cref="ChatCompletionChunk"/>, <see cref="Completion"/> and
/// <see cref="EmbeddingResponse"/>, unknown fields kept. The SDK is used in tests, against the fake, to prove the
/// fake speaks the real protocol.
/// </para>
/// <para>
/// Errors follow <see cref="ILlmClient"/>: <see cref="UpstreamHttp.SendAsync"/> maps statuses (401/403 → 502, 4xx kept
/// with the provider's message, 429 with <c>Retry-After</c>, 5xx → 502/503); credentials are masked in every message.
/// Streams: see <see cref="OpenAiStream"/>; <c>stream_options.include_usage</c> is always sent, so every stream ends
/// with a usage chunk (the caller drops it when the client did not ask for it).
/// Embeddings are always requested as float arrays (<c>encoding_format</c> is not sent; Modelplane applies
/// <c>base64</c> for the client).
/// </para>
/// </remarks>
/// <param name="target">Routes, model and authorization.</param>
/// <param name="http">The pooled upstream client (<see cref="ExternalModelContext.Http"/>).</param>
public sealed class OpenAiCompatibleClient(OpenAiTarget target, HttpClient http) : LlmClientBase(target.Provider)
{
    /// <inheritdoc />
    public override async Task<ChatCompletion> ChatAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = OpenAiRequestBody.Build(request, request.ExtraParams, target.Model, stream: false);
        return await PostAsync<ChatCompletion>(OpenAiTarget.ChatRoute, body, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task<IAsyncEnumerable<ChatCompletionChunk>> StreamChatAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = OpenAiRequestBody.Build(request, request.ExtraParams, target.Model, stream: true);
        return await PostStreamAsync<ChatCompletionChunk>(OpenAiTarget.ChatRoute, body, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task<Completion> CompleteAsync(CompletionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = OpenAiRequestBody.Build(request, request.ExtraParams, target.Model, stream: false);
        return await PostAsync<Completion>(OpenAiTarget.CompletionsRoute, body, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task<IAsyncEnumerable<Completion>> StreamCompleteAsync(CompletionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = OpenAiRequestBody.Build(request, request.ExtraParams, target.Model, stream: true);
        return await PostStreamAsync<Completion>(OpenAiTarget.CompletionsRoute, body, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public override async Task<EmbeddingResponse> EmbedAsync(EmbeddingRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var body = OpenAiRequestBody.Build(request, request.ExtraParams, target.Model, stream: null);
        body.Remove("encoding_format");
        return await PostAsync<EmbeddingResponse>(OpenAiTarget.EmbeddingsRoute, body, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POSTs <paramref name="body"/> to <paramref name="route"/> and reads the JSON answer as <typeparamref name="T"/>.</summary>
    private async Task<T> PostAsync<T>(string route, JsonObject body, CancellationToken cancellationToken)
    {
        var response = await SendAsync(route, body, cancellationToken).ConfigureAwait(false);
        return await UpstreamHttp.ReadJsonAsync<T>(response, LlmJson.Options, Provider, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POSTs <paramref name="body"/> to <paramref name="route"/> and reads the SSE answer as <typeparamref name="T"/> chunks.</summary>
    private async Task<IAsyncEnumerable<T>> PostStreamAsync<T>(string route, JsonObject body, CancellationToken cancellationToken)
    {
        var response = await SendAsync(route, body, cancellationToken).ConfigureAwait(false);
        return OpenAiStream.ReadAsync<T>(response, Provider, target.Credentials, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(string route, JsonObject body, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, target.Route(route)) { Content = OpenAiRequestBody.ToContent(body) };
        await target.Authorize(message, cancellationToken).ConfigureAwait(false);
        return await UpstreamHttp.SendAsync(http, message, Provider, target.Credentials, cancellationToken).ConfigureAwait(false);
    }
}
