using System.Text.Json.Nodes;

namespace Modelplane.Abstractions.Llm;

/// <summary>
/// An external model provider (databricks-serving.md §7.1): one per <c>external_model.provider</c> value, registered in
/// DI as <see cref="IExternalModelProvider"/> (the framework's own extension point; <c>IEnumerable</c> of them).
/// It validates its <c>&lt;provider&gt;_config</c> block at config time and creates the <see cref="ILlmClient"/> an
/// entity uses.
/// </summary>
public interface IExternalModelProvider
{
    /// <summary>The <c>provider</c> value, e.g. <c>openai</c>, <c>amazon-bedrock</c>.</summary>
    string Name { get; }

    /// <summary>The config block's field, e.g. <c>openai_config</c>.</summary>
    string ConfigField { get; }

    /// <summary>The tasks this provider serves.</summary>
    IReadOnlyList<string> Tasks { get; }

    /// <summary>
    /// Credential fields of the block as dotted paths (<c>openai_api_key</c>, <c>api_key_auth.value</c>). Each takes a
    /// <c>{{secrets/scope/key}}</c> reference, or its <c>&lt;field&gt;_plaintext</c> sibling; Modelplane checks and
    /// encrypts them before <see cref="Validate"/> and resolves them into <see cref="ExternalModelContext.Credentials"/>.
    /// </summary>
    IReadOnlyList<string> CredentialFields { get; }

    /// <summary>
    /// Every top-level field the block may hold (credential fields by their plain name; their <c>_plaintext</c>
    /// siblings are implied). Modelplane refuses any other field, so a misspelt one is a 400, not a silently ignored
    /// setting. Null leaves the block unchecked.
    /// </summary>
    IReadOnlyList<string>? ConfigFields => null;

    /// <summary>
    /// Checks the block (required fields, enums, URL forms) and returns every base URL the client will call, for the
    /// egress policy. Credentials are not readable here.
    /// </summary>
    /// <param name="model">The entity's external model.</param>
    /// <param name="field">Where the block sits, e.g. <c>served_entities[0].external_model</c>, for messages.</param>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming the field, e.g.
    /// <c>served_entities[0].external_model.openai_config.openai_deployment_name is required</c>.</exception>
    IReadOnlyList<Uri> Validate(ExternalModelDefinition model, string field);

    /// <summary>Creates the client for one served entity (once per load; the client lives as long as the entity).</summary>
    ILlmClient CreateClient(ExternalModelDefinition model, ExternalModelContext context);
}

/// <summary>An <c>external_model</c> block: <c>{provider, name, task, &lt;provider&gt;_config}</c>.</summary>
/// <param name="Provider">Provider value.</param>
/// <param name="Name">The provider's model id (e.g. <c>gpt-4o</c>; for Azure the deployment may differ).</param>
/// <param name="Task">One of <see cref="LlmTask"/>.</param>
/// <param name="Config">The provider's config block. Credential fields hold a reference or a sealed value: read them
/// from <see cref="ExternalModelContext.Credentials"/>, never from here.</param>
public sealed record ExternalModelDefinition(string Provider, string Name, string Task, JsonObject Config);

/// <summary>What a provider's client gets from the node.</summary>
public sealed class ExternalModelContext
{
    /// <summary>The pooled HTTP client for upstream calls (IHttpClientFactory; egress policy and resilience applied).
    /// Send absolute URIs; do not set its BaseAddress or Timeout.</summary>
    public required HttpClient Http { get; init; }

    /// <summary>Credential values in clear by dotted field path (see <see cref="IExternalModelProvider.CredentialFields"/>);
    /// absent fields are missing. Never log or return them.</summary>
    public required IReadOnlyDictionary<string, string> Credentials { get; init; }

    /// <summary>Clock (ids, <c>created</c>, token expiry).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
