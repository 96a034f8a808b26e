using System.Text.Json.Nodes;
using Modelplane.Abstractions;

namespace Modelplane.Core.Registry;

/// <summary>
/// The two JSON forms of a <see cref="ModelSignature"/>. <see cref="Serialize"/>/<see cref="Deserialize"/> give the
/// stored form (<c>ModelVersionEntity.SignatureJson</c>): System.Text.Json, camelCase, enums as names, e.g.
/// <c>{"kind":"Tensors","inputs":[{"name":"x","dataType":"Float32","shape":[-1,4],"required":true,"sourceType":"float32"}],
/// "outputs":[…],"params":[…]}</c>. <see cref="ToMlflow"/> gives MLflow's shape for API answers:
/// <c>{"inputs":[…],"outputs":[…],"params":[…]|null}</c> with column specs <c>{"type","name","required"}</c> and tensor
/// specs <c>{"type":"tensor","name"?,"tensor-spec":{"dtype","shape"}}</c>, as objects rather than the JSON strings in MLmodel.
/// </summary>
public static class SignatureJson
{
    /// <summary>Serializes a signature (<see cref="ModelSignatureJson.Serialize"/>).</summary>
    public static string Serialize(ModelSignature signature) => ModelSignatureJson.Serialize(signature);

    /// <summary>Reads a signature (<see cref="ModelSignatureJson.Deserialize"/>).</summary>
    public static ModelSignature Deserialize(string json) => ModelSignatureJson.Deserialize(json);


    /// <summary>Writes a signature in MLflow's shape (see the type summary).</summary>
    public static JsonObject ToMlflow(ModelSignature signature) => new()
    {
        ["inputs"] = Specs(signature.Inputs, signature.Kind),
        ["outputs"] = Specs(signature.Outputs, signature.Outputs.Any(IsTensorLike) ? SignatureKind.Tensors : SignatureKind.Columns),
        ["params"] = signature.Params.Count == 0 ? null : new JsonArray([.. signature.Params.Select(Param)]),
    };

    /// <summary>A spec is tensor-like when it carries a shape or came from a tensor type (ONNX <c>tensor(…)</c>).</summary>
    private static bool IsTensorLike(TensorSpec spec) => spec.Shape is not null || spec.SourceType?.StartsWith("tensor", StringComparison.Ordinal) == true;

    private static JsonArray Specs(IReadOnlyList<TensorSpec> specs, SignatureKind kind) =>
        new([.. specs.Select(s => kind == SignatureKind.Tensors ? Tensor(s) : Column(s))]);

    private static JsonNode Column(TensorSpec spec)
    {
        var column = new JsonObject { ["type"] = MlflowName(spec, ColumnTypeName(spec.DataType)) };
        if (spec.Name is not null)
        {
            column["name"] = spec.Name;
        }

        column["required"] = spec.Required;
        return column;
    }

    private static JsonNode Tensor(TensorSpec spec)
    {
        var tensor = new JsonObject { ["type"] = "tensor" };
        if (spec.Name is not null)
        {
            tensor["name"] = spec.Name;
        }

        tensor["tensor-spec"] = new JsonObject
        {
            ["dtype"] = MlflowName(spec, spec.DataType.ToNumpyName()),
            ["shape"] = spec.Shape is null ? null : new JsonArray([.. spec.Shape.Select(d => (JsonNode)d)]),
        };
        return tensor;
    }

    private static JsonNode Param(ParamSpec param) => new JsonObject
    {
        ["name"] = param.Name,
        ["type"] = param.Type,
        ["default"] = param.Default is { } d ? JsonNode.Parse(d.GetRawText()) : null,
        ["shape"] = param.Shape is null ? null : new JsonArray([.. param.Shape.Select(d => (JsonNode)d)]),
    };

    /// <summary>The source's own MLflow type name when it is one (keeps <c>object</c>, <c>binary</c>, <c>array</c>), else the fallback.</summary>
    private static string MlflowName(TensorSpec spec, string fallback) =>
        spec.SourceType is { } source
            && (TensorDataTypes.FromMlflowName(source) == spec.DataType || MlflowSignatureParser.CompositeTypes.Contains(source))
            ? source
            : fallback;

    private static string ColumnTypeName(TensorDataType type) => type switch
    {
        TensorDataType.Bool => "boolean",
        TensorDataType.Int32 => "integer",
        TensorDataType.Int64 => "long",
        TensorDataType.Float32 => "float",
        TensorDataType.Float64 => "double",
        TensorDataType.String => "string",
        _ => type.ToNumpyName(),
    };
}
