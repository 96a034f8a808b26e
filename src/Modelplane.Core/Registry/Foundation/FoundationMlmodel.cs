using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions.Flavors;

namespace Modelplane.Core.Registry.Foundation;

/// <summary>
/// The <c>MLmodel</c> file written next to an extracted foundation model, for people and tools that read MLflow model
/// directories (MLflow "MLmodel format"): the <c>modelplane_embedding</c> flavor block with the model's
/// <see cref="EmbeddingFlavorConfig"/>, the MLflow tensor signature (as JSON strings, as MLflow writes them), and
/// <c>metadata</c> naming the package, the upstream weights and their licence. The registry's row stays the source of
/// truth; this file is informational and not part of the version hash.
/// </summary>
internal static class FoundationMlmodel
{
    /// <summary>The file's text (YAML; every scalar is written in JSON form, which YAML reads unchanged).</summary>
    /// <param name="model">A foundation model.</param>
    public static string Write(FoundationModel model)
    {
        var text = new StringBuilder();
        text.Append("# ").Append(model.FullName).Append(" version " + FoundationModel.Version)
            .Append(", extracted by Modelplane from NuGet package ").Append(model.Package.Id).Append(' ').Append(model.Package.Version)
            .Append(". Read-only: the registry holds the same configuration.\n");
        text.Append("flavors:\n  ").Append(ModelFlavor.Embedding).Append(":\n");
        var config = JsonSerializer.SerializeToNode(model.Config, EmbeddingFlavorConfig.Json)!.AsObject();
        foreach (var (key, value) in config)
        {
            text.Append("    ").Append(key).Append(": ").Append(value!.ToJsonString()).Append('\n');
        }

        var signature = SignatureJson.ToMlflow(FoundationModels.Signature);
        text.Append("signature:\n");
        text.Append("  inputs: ").Append(Scalar(signature["inputs"]!.ToJsonString())).Append('\n');
        text.Append("  outputs: ").Append(Scalar(signature["outputs"]!.ToJsonString())).Append('\n');
        text.Append("metadata:\n");
        text.Append("  task: ").Append(Scalar(model.Task)).Append('\n');
        text.Append("  max_input_tokens: ").Append(model.MaxInputTokens.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("  dimensions: ").Append(model.Dimensions.ToString(CultureInfo.InvariantCulture)).Append('\n');
        text.Append("  upstream: ").Append(Scalar(model.Upstream)).Append('\n');
        text.Append("  license: ").Append(Scalar(model.License)).Append('\n');
        text.Append("  package: ").Append(Scalar($"{model.Package.Id}/{model.Package.Version}")).Append('\n');
        text.Append("  package_license: ").Append(Scalar(model.Package.License)).Append('\n');
        return text.ToString();
    }

    private static string Scalar(string value) => JsonValue.Create(value).ToJsonString();
}
