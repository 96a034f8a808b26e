using System.Text.Json.Nodes;

namespace Modelplane.Core.Endpoints.External;

/// <summary>The <c>external_model</c> block as answered by the API: references kept, sealed plaintext fields removed.</summary>
public static class ExternalModelView
{
    /// <summary>The block for a GET answer.</summary>
    public static JsonObject Of(ResolvedExternalModel model) => new()
    {
        ["provider"] = model.Provider,
        ["name"] = model.Name,
        ["task"] = model.Task,
        [ConfigField(model.Provider)] = CredentialPaths.WithoutPlaintext(model.Config),
    };

    /// <summary>The block's field name for a provider: <c>&lt;provider with '-' as '_'&gt;_config</c>, except the two
    /// Databricks spells otherwise (<c>custom_provider_config</c>, <c>google_cloud_vertex_ai_config</c> follows the rule).</summary>
    public static string ConfigField(string provider) => provider switch
    {
        "custom" => "custom_provider_config",
        _ => provider.Replace('-', '_') + "_config",
    };
}
