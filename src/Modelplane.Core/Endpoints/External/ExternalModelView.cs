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
        [model.ConfigField] = CredentialPaths.WithoutPlaintext(model.Config),
    };
}
