using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;

namespace Modelplane.Providers.Bedrock;

/// <summary>
/// The <c>amazon_bedrock_config</c> block (databricks-serving.md §7): <c>aws_region</c> and <c>bedrock_provider</c>
/// (required; <c>anthropic</c>, <c>cohere</c>, <c>ai21labs</c>, <c>amazon</c>, <c>meta</c>, <c>mistral</c>, any case),
/// the credentials <c>aws_access_key_id</c>, <c>aws_secret_access_key</c> and optional <c>aws_session_token</c> (read
/// from the context), <c>instance_profile_arn</c> (refused: self-hosted nodes have no Databricks instance profile), and
/// the Modelplane extension <c>endpoint_url</c> (default <c>https://bedrock-runtime.{region}.amazonaws.com</c>).
/// </summary>
internal sealed record BedrockConfig(string Region, string ModelFamily, Uri Endpoint)
{
    /// <summary>The <c>bedrock_provider</c> values (lower case).</summary>
    public static readonly IReadOnlyList<string> Providers = ["anthropic", "cohere", "ai21labs", "amazon", "meta", "mistral"];

    /// <summary>The <c>bedrock_provider</c> values whose embedding models this adapter can call.</summary>
    public static readonly IReadOnlyList<string> EmbeddingProviders = ["amazon", "cohere"];

    /// <summary>Reads and checks the block.</summary>
    /// <param name="config">The block.</param>
    /// <param name="path">Its field path, e.g. <c>served_entities[0].external_model.amazon_bedrock_config</c>.</param>
    /// <exception cref="ModelplaneException">400 naming the field at fault.</exception>
    public static BedrockConfig Parse(JsonObject? config, string path)
    {
        if (config is null)
        {
            throw ModelplaneException.InvalidParameter($"{path} is required for provider '{BedrockProvider.ProviderName}'.");
        }

        if (config.ContainsKey("instance_profile_arn"))
        {
            throw ModelplaneException.InvalidParameter(
                $"{path}.instance_profile_arn is not available on self-hosted Modelplane nodes; give aws_access_key_id and aws_secret_access_key instead.");
        }

        var region = RequiredString(config, "aws_region", path);
        if (!region.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            throw ModelplaneException.InvalidParameter($"{path}.aws_region must be an AWS region such as 'us-east-1'.");
        }

        var provider = RequiredString(config, "bedrock_provider", path).ToLowerInvariant();
        if (!Providers.Contains(provider))
        {
            throw ModelplaneException.InvalidParameter($"{path}.bedrock_provider must be one of: {string.Join(", ", Providers)}.");
        }

        foreach (var credential in (string[])["aws_access_key_id", "aws_secret_access_key"])
        {
            if (!config.ContainsKey(credential) && !config.ContainsKey(credential + "_plaintext"))
            {
                throw ModelplaneException.InvalidParameter($"{path}.{credential} is required (a secret reference, or {credential}_plaintext).");
            }
        }

        var endpoint = new Uri($"https://bedrock-runtime.{region}.amazonaws.com");
        if (config["endpoint_url"] is { } node)
        {
            var text = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
            if (text is null || !Uri.TryCreate(text.TrimEnd('/'), UriKind.Absolute, out var parsed) || parsed.Scheme is not ("https" or "http")
                || !string.IsNullOrEmpty(parsed.Query) || !string.IsNullOrEmpty(parsed.Fragment))
            {
                throw ModelplaneException.InvalidParameter($"{path}.endpoint_url must be an absolute http(s) URL without query or fragment.");
            }

            endpoint = parsed;
        }

        return new BedrockConfig(region, provider, endpoint);
    }

    /// <summary>An operation URL: <c>{endpoint}/model/{modelId}/{operation}</c>, the model id escaped (ids hold <c>:</c>,
    /// ARNs <c>/</c>).</summary>
    public Uri OperationUri(string modelId, string operation) =>
        new($"{Endpoint.AbsoluteUri.TrimEnd('/')}/model/{Uri.EscapeDataString(modelId)}/{operation}");

    private static string RequiredString(JsonObject config, string name, string path)
    {
        var node = config[name];
        var value = node?.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : null;
        return string.IsNullOrWhiteSpace(value)
            ? throw ModelplaneException.InvalidParameter($"{path}.{name} is required and must be a non-empty string.")
            : value;
    }
}
