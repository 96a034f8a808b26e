namespace Modelplane.Providers.OpenAi;

/// <summary>
/// Where and how an <see cref="OpenAiCompatibleClient"/> calls: the URL of each OpenAI route, the model id to put in
/// the body, and how to authorize a request.
/// </summary>
/// <param name="Provider">Provider name for messages (<c>openai</c>, <c>custom</c>, <c>databricks-model-serving</c>).</param>
/// <param name="Route">Maps a route (<c>chat/completions</c>, <c>completions</c>, <c>embeddings</c>) to its absolute URL,
/// e.g. <c>https://api.openai.com/v1/chat/completions</c> or Azure's
/// <c>{base}/openai/deployments/{deployment}/chat/completions?api-version={v}</c>.</param>
/// <param name="Model">The <c>model</c> value sent upstream; null to omit it (Azure: the deployment is in the URL).</param>
/// <param name="Authorize">Adds the credentials to a request (headers); may fetch a token first.</param>
/// <param name="Credentials">Secret values to mask in every message.</param>
public sealed record OpenAiTarget(
    string Provider,
    Func<string, Uri> Route,
    string? Model,
    Func<HttpRequestMessage, CancellationToken, ValueTask> Authorize,
    IReadOnlyCollection<string> Credentials)
{
    /// <summary>The chat completions route.</summary>
    public const string ChatRoute = "chat/completions";

    /// <summary>The legacy completions route.</summary>
    public const string CompletionsRoute = "completions";

    /// <summary>The embeddings route.</summary>
    public const string EmbeddingsRoute = "embeddings";

    /// <summary>A <see cref="Route"/> for a base URL that takes the routes directly below it
    /// (<c>https://api.openai.com/v1</c> → <c>https://api.openai.com/v1/chat/completions</c>).</summary>
    public static Func<string, Uri> Below(Uri baseUri) => route => ProviderConfig.Join(baseUri, route);

    /// <summary>An <see cref="Authorize"/> that sets <c>Authorization: Bearer {token}</c>.</summary>
    public static Func<HttpRequestMessage, CancellationToken, ValueTask> Bearer(string token) => (request, _) =>
    {
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return ValueTask.CompletedTask;
    };

    /// <summary>An <see cref="Authorize"/> that sets one header, e.g. Azure's <c>api-key</c>.</summary>
    public static Func<HttpRequestMessage, CancellationToken, ValueTask> Header(string name, string value) => (request, _) =>
    {
        request.Headers.TryAddWithoutValidation(name, value);
        return ValueTask.CompletedTask;
    };
}
