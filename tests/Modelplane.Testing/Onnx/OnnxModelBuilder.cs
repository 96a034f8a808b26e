using Google.Protobuf;
using Modelplane.Runtimes.Onnx.Proto;
using DataType = Modelplane.Runtimes.Onnx.Proto.TensorProto.Types.DataType;

namespace Modelplane.Testing.Onnx;

/// <summary>
/// Small helpers to write ONNX models in code with the onnx.proto types (ONNX IR version 8, default opset 18), for tests
/// that need a model shape no shared file has (sequence or optional inputs, external data, one datatype each).
/// </summary>
public static class OnnxModelBuilder
{
    /// <summary>The IR version written (8 pairs with ai.onnx opset 18).</summary>
    public const long IrVersion = 8;

    /// <summary>A tensor type; each dimension is a <c>long</c> (fixed) or a <c>string</c> (symbolic).</summary>
    public static TypeProto TensorType(DataType elementType, params object[] dims)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(dims.Select(d => d is string symbol
            ? new TensorShapeProto.Types.Dimension { DimParam = symbol }
            : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d, System.Globalization.CultureInfo.InvariantCulture) }));
        return new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)elementType, Shape = shape } };
    }

    /// <summary>A <c>seq(...)</c> type.</summary>
    public static TypeProto SequenceOf(TypeProto element) => new() { SequenceType = new TypeProto.Types.Sequence { ElemType = element } };

    /// <summary>An <c>optional(...)</c> type.</summary>
    public static TypeProto OptionalOf(TypeProto element) => new() { OptionalType = new TypeProto.Types.Optional { ElemType = element } };

    /// <summary>A <c>map(key, value)</c> type.</summary>
    public static TypeProto MapOf(DataType keyType, TypeProto valueType) =>
        new() { MapType = new TypeProto.Types.Map { KeyType = (int)keyType, ValueType = valueType } };

    /// <summary>A named graph input or output.</summary>
    public static ValueInfoProto Value(string name, TypeProto type) => new() { Name = name, Type = type };

    /// <summary>A node.</summary>
    public static NodeProto Node(string opType, string[] inputs, string[] outputs, string domain = "", params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Domain = domain, Name = $"{opType}_{outputs.FirstOrDefault()}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    /// <summary>An <c>INTS</c> attribute.</summary>
    public static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    /// <summary>A graph.</summary>
    public static GraphProto Graph(
        IEnumerable<NodeProto> nodes, IEnumerable<ValueInfoProto> inputs, IEnumerable<ValueInfoProto> outputs, IEnumerable<TensorProto>? initializers = null)
    {
        var graph = new GraphProto { Name = "modelplane_test" };
        graph.Node.AddRange(nodes);
        graph.Input.AddRange(inputs);
        graph.Output.AddRange(outputs);
        graph.Initializer.AddRange(initializers ?? []);
        return graph;
    }

    /// <summary>A model importing ai.onnx opset 18 plus <paramref name="extraOpsets"/> (e.g. <c>("ai.onnx.ml", 3)</c>).</summary>
    public static ModelProto Model(GraphProto graph, params (string Domain, long Version)[] extraOpsets)
    {
        var model = new ModelProto { IrVersion = IrVersion, ProducerName = "modelplane-tests", Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = 18 });
        model.OpsetImport.Add(extraOpsets.Select(o => new OperatorSetIdProto { Domain = o.Domain, Version = o.Version }));
        return model;
    }

    /// <summary>Writes a model file.</summary>
    public static void Save(ModelProto model, string path) => File.WriteAllBytes(path, model.ToByteArray());
}
