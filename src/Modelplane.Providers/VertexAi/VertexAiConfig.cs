using System.Text.Json.Nodes;
using Modelplane.Abstractions;

namespace Modelplane.Providers.VertexAi;

/// <summary>
/// The <c>google_cloud_vertex_ai_config</c> block (databricks-serving.md §7): <c>project_id</c> and <c>region</c>
/// (required), the <c>private_key</c> credential (a service-account key JSON, read from the context), and the Modelplane
/// extension <c>api_base</c> (default <c>https://{region}-aiplatform.googleapis.com</c>, no trailing slash).
/// </summary>
internal sealed record VertexAiConfig(string ProjectId, string Region, Uri ApiBase)
{
    /// <summary>Google's OAuth 2.0 token endpoint, the default <c>token_uri</c> of a service-account key.</summary>
    public static readonly Uri DefaultTokenEndpoint = new("https://oauth2.googleapis.com/token");

    /// <summary>Reads and checks the block.</summary>
    /// <param name="config">The block.</param>
    /// <param name="path">Its field path, e.g. <c>served_entities[0].external_model.google_cloud_vertex_ai_config</c>.</param>
    /// <exception cref="ModelplaneException">400 naming the field at fault.</exception>
    public static VertexAiConfig Parse(JsonObject? config, string path)
    {
        if (config is null)
        {
            throw ModelplaneException.InvalidParameter($"{path} is required for provider '{VertexAiProvider.ProviderName}'.");
        }

        var project = RequiredString(config, "project_id", path);
        var region = RequiredString(config, "region", path);
        if (!region.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw ModelplaneException.InvalidParameter($"{path}.region must be a Google Cloud region such as 'us-central1'.");
        }

        if (!config.ContainsKey("private_key") && !config.ContainsKey("private_key_plaintext"))
        {
            throw ModelplaneException.InvalidParameter($"{path}.private_key is required (a service-account key JSON, as a secret reference or private_key_plaintext).");
        }

        var apiBase = new Uri($"https://{region}-aiplatform.googleapis.com");
        if (config["api_base"] is { } node)
        {
            var text = node.GetValueKind() == System.Text.Json.JsonValueKind.String ? node.GetValue<string>() : null;
            if (text is null || !Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute, out var parsed) || parsed.Scheme is not ("https" or "http")
                || !string.IsNullOrEmpty(parsed.Query) || !string.IsNullOrEmpty(parsed.Fragment))
            {
                throw ModelplaneException.InvalidParameter($"{path}.api_base must be an absolute http(s) URL without query or fragment.");
            }

            apiBase = parsed;
        }

        return new VertexAiConfig(project, region, apiBase);
    }

    /// <summary>The model's method URL, e.g. <c>…/publishers/google/models/gemini-2.0-flash:generateContent</c>.</summary>
    public Uri MethodUri(string model, string method, string? query = null) =>
        new($"{ApiBase.AbsoluteUri.TrimEnd('/')}/v1/projects/{Uri.EscapeDataString(ProjectId)}/locations/{Uri.EscapeDataString(Region)}/publishers/google/models/{Uri.EscapeDataString(model)}:{method}{query}");

    private static string RequiredString(JsonObject config, string name, string path)
    {
        var node = config[name];
        var value = node?.GetValueKind() == System.Text.Json.JsonValueKind.String ? node.GetValue<string>() : null;
        return string.IsNullOrWhiteSpace(value)
            ? throw ModelplaneException.InvalidParameter($"{path}.{name} is required and must be a non-empty string.")
            : value;
    }
}
