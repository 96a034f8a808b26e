using System.Text.Json.Nodes;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Core.Endpoints.External;

/// <summary>
/// An <c>external_model</c> block after validation, as stored in a config version: the provider's config block with
/// each credential either a <c>{{secrets/scope/key}}</c> reference or a sealed <c>*_plaintext</c> value
/// (<see cref="Secrets.CredentialSeal"/>), never clear text.
/// </summary>
public sealed record ResolvedExternalModel
{
    /// <summary><c>openai</c>, <c>anthropic</c>, … (databricks-serving.md §7.1).</summary>
    public required string Provider { get; init; }
    /// <summary>The provider's model id.</summary>
    public required string Name { get; init; }
    /// <summary>One of <see cref="LlmTask"/>.</summary>
    public required string Task { get; init; }
    /// <summary>The block's field name as the provider declares it (<c>openai_config</c>, <c>custom_provider_config</c>).</summary>
    public required string ConfigField { get; init; }
    /// <summary>The <c>&lt;provider&gt;_config</c> block.</summary>
    public required JsonObject Config { get; init; }

    /// <summary>The definition handed to the provider.</summary>
    public ExternalModelDefinition ToDefinition() => new(Provider, Name, Task, (JsonObject)Config.DeepClone());
}
