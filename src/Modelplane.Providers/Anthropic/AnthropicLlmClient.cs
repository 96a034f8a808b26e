using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Http;

namespace Modelplane.Providers.Anthropic;

/// <summary>
/// <c>llm/v1/chat</c> against the Anthropic Messages API: <c>POST {anthropic_api_base}/v1/messages</c> with headers
/// <c>x-api-key</c> and <c>anthropic-version</c> (https://docs.anthropic.com/en/api/messages). The request is
/// translated by <see cref="AnthropicRequestBuilder"/>, the answer by <see cref="AnthropicResponseMapper"/> and
/// streams by <see cref="AnthropicStreamTranslator"/>; errors follow <see cref="ILlmClient"/>'s contract (429 keeps
/// Retry-After, 529 overloaded → 503, 401/403 → 502), and a stream that ends before <c>message_stop</c> throws
/// <see cref="UpstreamHttp.BrokenStream"/>.
/// </summary>
/// <remarks>
/// The HTTP is written here rather than through the official <c>Anthropic</c> .NET SDK (13.14.0), which was evaluated:
/// it can take our <see cref="HttpClient"/>, a base URL and <c>MaxRetries = 0</c>, and its params can be built from
/// raw JSON, but it cannot carry everything the gateway needs — its typed errors drop the upstream body/Retry-After
/// mapping that <see cref="UpstreamErrors"/> gives every provider alike, its streams yield typed events with no
/// signal when the body ends without <c>message_stop</c> (the gateway must fail such a stream, not end it quietly),
/// <c>extra_params</c> pass-through would go through its unchecked raw-body escape hatch anyway, and it picks its own
/// auth header (<c>Authorization: Bearer</c>) and <c>anthropic-version</c> (2026-10-21 in 13.14.0) where the
/// gateway sends the documented <c>x-api-key</c> and the configured <c>anthropic_version</c>. The SDK is used
/// in the tests, against the fake, to prove the fake speaks the protocol.
/// </remarks>
public sealed class AnthropicLlmClient : LlmClientBase
{
    private readonly ExternalModelDefinition model;
    private readonly ExternalModelContext context;
    private readonly Uri messagesUri;
    private readonly string version;

    /// <summary>Creates the client for one entity.</summary>
    /// <param name="model">The external model (its <c>name</c> is the Anthropic model id).</param>
    /// <param name="context">HTTP client, credentials (<c>anthropic_api_key</c>) and clock.</param>
    /// <param name="apiBase">The API base, e.g. <c>https://api.anthropic.com</c>.</param>
    /// <param name="version">The <c>anthropic-version</c> header value.</param>
    public AnthropicLlmClient(ExternalModelDefinition model, ExternalModelContext context, Uri apiBase, string version)
        : base(AnthropicProvider.ProviderName)
    {
        this.model = model;
        this.context = context;
        this.version = version;
        messagesUri = new Uri(apiBase.AbsoluteUri.TrimEnd('/') + "/v1/messages");
    }

    /// <inheritdoc />
    public override async Task<ChatCompletion> ChatAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        var body = AnthropicRequestBuilder.Build(request, model.Name, stream: false, out var jsonTool);
        var response = await SendAsync(body.ToJsonString(), cancellationToken);
        var message = await UpstreamHttp.ReadJsonAsync<AnthropicMessage>(response, LlmJson.Options, Provider, cancellationToken);
        return AnthropicResponseMapper.ToCompletion(message, jsonTool, context.Time.GetUtcNow().ToUnixTimeSeconds());
    }

    /// <inheritdoc />
    public override async Task<IAsyncEnumerable<ChatCompletionChunk>> StreamChatAsync(ChatCompletionRequest request, CancellationToken cancellationToken)
    {
        var body = AnthropicRequestBuilder.Build(request, model.Name, stream: true, out var jsonTool);
        var response = await SendAsync(body.ToJsonString(), cancellationToken);
        var translator = new AnthropicStreamTranslator(jsonTool, context.Time.GetUtcNow().ToUnixTimeSeconds(), model.Name);
        return ReadStreamAsync(response, translator, cancellationToken);
    }

    private async IAsyncEnumerable<ChatCompletionChunk> ReadStreamAsync(
        HttpResponseMessage response, AnthropicStreamTranslator translator, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var item in UpstreamHttp.ReadEventsAsync(response, Provider, cancellationToken))
        {
            var e = UpstreamHttp.ParseEvent<AnthropicEvent>(item, LlmJson.Options, Provider);
            foreach (var chunk in translator.OnEvent(e))
            {
                yield return chunk;
            }

            if (translator.Completed)
            {
                yield break;
            }
        }

        throw UpstreamHttp.BrokenStream(Provider, "the stream ended without message_stop.");
    }

    private async Task<HttpResponseMessage> SendAsync(string json, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, messagesUri)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("x-api-key", context.Credentials.GetValueOrDefault(AnthropicProvider.ApiKeyField, string.Empty));
        request.Headers.TryAddWithoutValidation("anthropic-version", version);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await UpstreamHttp.SendAsync(context.Http, request, Provider, context.Credentials.Values, cancellationToken);
    }
}
