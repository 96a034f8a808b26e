using Microsoft.ML.OnnxRuntime;
using Modelplane.Abstractions;
using Modelplane.Runtimes.Onnx.Outline;
using Modelplane.Runtimes.Onnx.Proto;

namespace Modelplane.Runtimes.Onnx;

/// <summary>
/// Builds a tensor <see cref="ModelSignature"/> from a loaded session (which inputs and outputs ONNX Runtime exposes, in
/// order) and the graph's declared types (ONNX IR "ValueInfoProto"), and refuses graphs Modelplane cannot serve.
/// </summary>
internal static class OnnxSignatureBuilder
{
    /// <summary>Builds the signature.</summary>
    /// <exception cref="ModelplaneException"><c>INVALID_PARAMETER_VALUE</c>: an input is not a tensor, an output is
    /// neither a tensor nor ZipMap's sequence of maps, or an element type has no Modelplane datatype.</exception>
    public static ModelSignature Build(InferenceSession session, ModelOutline outline)
    {
        var declaredInputs = ByName(outline.Graph?.Input);
        var declaredOutputs = ByName(outline.Graph?.Output);
        var inputs = session.InputNames
            .Select(name => InputSpec(name, Declared(declaredInputs, name, session.InputMetadata[name])))
            .ToList();
        var outputs = session.OutputNames
            .Select(name => OutputSpec(name, Declared(declaredOutputs, name, session.OutputMetadata[name])))
            .ToList();
        return new ModelSignature(SignatureKind.Tensors, inputs, outputs, []);
    }

    private static TensorSpec InputSpec(string name, TypeProto type)
    {
        if (type.ValueCase != TypeProto.ValueOneofCase.TensorType)
        {
            throw ModelplaneException.InvalidParameter(
                $"Input '{name}' has type {OnnxTypes.TypeString(type)}; Modelplane serves models whose inputs are all tensors.");
        }

        return TensorSpecOf(name, type.TensorType, "Input");
    }

    private static TensorSpec OutputSpec(string name, TypeProto type)
    {
        if (type.ValueCase == TypeProto.ValueOneofCase.TensorType)
        {
            return TensorSpecOf(name, type.TensorType, "Output");
        }

        if (OnnxTypes.IsMapSequence(type))
        {
            return new TensorSpec(name, TensorDataType.Float32, null, true, OnnxTypes.TypeString(type));
        }

        throw ModelplaneException.InvalidParameter(
            $"Output '{name}' has type {OnnxTypes.TypeString(type)}; Modelplane serves tensor outputs and ZipMap's seq(map(int64|string,tensor(float))) only.");
    }

    private static TensorSpec TensorSpecOf(string name, TypeProto.Types.Tensor tensor, string role)
    {
        var dataType = OnnxTypes.ToDataType(tensor.ElemType) ?? throw ModelplaneException.InvalidParameter(
            $"{role} '{name}' has type tensor({OnnxTypes.ElementName(tensor.ElemType)}), which Modelplane cannot carry.");
        var shape = tensor.Shape?.Dim.Select(d => d.HasDimValue ? d.DimValue : -1L).ToArray();
        return new TensorSpec(name, dataType, shape, true, OnnxTypes.TensorTypeString(dataType));
    }

    private static Dictionary<string, TypeProto> ByName(IEnumerable<ValueInfoProto>? values)
    {
        var result = new Dictionary<string, TypeProto>(StringComparer.Ordinal);
        foreach (var value in values ?? [])
        {
            if (value.Type is not null && value.Type.ValueCase != TypeProto.ValueOneofCase.None)
            {
                result.TryAdd(value.Name, value.Type);
            }
        }

        return result;
    }

    /// <summary>The graph's declared type, or one rebuilt from ONNX Runtime's metadata when the graph leaves it out.</summary>
    private static TypeProto Declared(Dictionary<string, TypeProto> declared, string name, NodeMetadata metadata)
    {
        if (declared.TryGetValue(name, out var type))
        {
            return type;
        }

        if (metadata.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR)
        {
            return new TypeProto();
        }

        var tensor = new TypeProto.Types.Tensor { ElemType = (int)metadata.ElementDataType, Shape = new TensorShapeProto() };
        tensor.Shape.Dim.Add(metadata.Dimensions.Select(d => d >= 0
            ? new TensorShapeProto.Types.Dimension { DimValue = d }
            : new TensorShapeProto.Types.Dimension()));
        return new TypeProto { TensorType = tensor };
    }
}
