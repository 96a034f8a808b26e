using Modelplane.Abstractions;
using Modelplane.Runtimes.Onnx.Proto;

namespace Modelplane.Runtimes.Onnx;

/// <summary>
/// Checks every tensor of a model that keeps its bytes in an external file (ONNX IR "External tensor data":
/// <c>data_location = EXTERNAL</c>, <c>external_data</c> key <c>location</c>, a path relative to the model file's folder):
/// the location must be relative, resolve inside the model version's folder (no <c>..</c> escape, no symbolic link
/// leading out) and name an existing file. Covers graph and sparse initializers, tensors held by node attributes, every
/// subgraph (If/Loop/Scan bodies), model-local functions and training graphs.
/// </summary>
internal static class ExternalDataChecker
{
    /// <summary>Checks the model.</summary>
    /// <exception cref="ModelplaneException"><c>INVALID_PARAMETER_VALUE</c> naming the tensor and the offending location.</exception>
    public static void Check(ModelProto model, string modelPath, string rootDir)
    {
        var realRoot = PathConfinement.RealPath(Path.GetFullPath(rootDir));
        var realModel = PathConfinement.RealPath(Path.GetFullPath(modelPath));
        if (!PathConfinement.IsInside(realModel, realRoot))
        {
            throw ModelplaneException.InvalidParameter($"Model file '{Path.GetFileName(modelPath)}' is not inside the model version's folder.");
        }

        var modelDir = Path.GetDirectoryName(realModel)!;
        foreach (var tensor in TensorsOf(model).Where(IsExternal))
        {
            CheckLocation(tensor, modelDir, realRoot);
        }
    }

    private static bool IsExternal(TensorProto tensor) =>
        tensor.DataLocation == TensorProto.Types.DataLocation.External || tensor.ExternalData.Count > 0;

    private static void CheckLocation(TensorProto tensor, string modelDir, string realRoot)
    {
        var what = $"Tensor '{tensor.Name}'";
        var location = tensor.ExternalData.FirstOrDefault(e => e.Key == "location")?.Value;
        if (string.IsNullOrEmpty(location))
        {
            throw ModelplaneException.InvalidParameter($"{what} is marked as external data but names no location.");
        }

        if (location.Contains('\0', StringComparison.Ordinal) || Path.IsPathRooted(location))
        {
            throw ModelplaneException.InvalidParameter(
                $"{what} keeps its data at the absolute path '{location}'; external data must be a relative path inside the model's folder.");
        }

        var joined = Path.Combine(modelDir, location);
        if (!PathConfinement.IsInside(Path.GetFullPath(joined), realRoot))
        {
            throw ModelplaneException.InvalidParameter(
                $"{what} keeps its data at '{location}', which leaves the model's folder; external data must be a relative path inside it.");
        }

        var real = PathConfinement.RealPath(joined);
        if (!PathConfinement.IsInside(real, realRoot))
        {
            throw ModelplaneException.InvalidParameter(
                $"{what} keeps its data at '{location}', which leads outside the model's folder through a symbolic link.");
        }

        if (!File.Exists(real))
        {
            throw ModelplaneException.InvalidParameter($"{what} keeps its data at '{location}', which does not exist in the model's folder.");
        }
    }

    private static IEnumerable<TensorProto> TensorsOf(ModelProto model)
    {
        var graphs = new List<GraphProto?> { model.Graph };
        graphs.AddRange(model.TrainingInfo.SelectMany(t => new[] { t.Initialization, t.Algorithm }));
        var fromGraphs = graphs.Where(g => g is not null).SelectMany(g => TensorsOf(g!));
        var fromFunctions = model.Functions.SelectMany(f => f.Node).SelectMany(TensorsOf)
            .Concat(model.Functions.SelectMany(f => f.AttributeProto).SelectMany(TensorsOf));
        return fromGraphs.Concat(fromFunctions);
    }

    private static IEnumerable<TensorProto> TensorsOf(GraphProto graph) =>
        graph.Initializer
            .Concat(graph.SparseInitializer.SelectMany(TensorsOf))
            .Concat(graph.Node.SelectMany(TensorsOf));

    private static IEnumerable<TensorProto> TensorsOf(NodeProto node) => node.Attribute.SelectMany(TensorsOf);

    private static IEnumerable<TensorProto> TensorsOf(AttributeProto attribute)
    {
        var tensors = new List<TensorProto>();
        if (attribute.T is not null)
        {
            tensors.Add(attribute.T);
        }

        tensors.AddRange(attribute.Tensors);
        var sparse = attribute.SparseTensors.Append(attribute.SparseTensor).Where(s => s is not null).SelectMany(s => TensorsOf(s!));
        var graphs = attribute.Graphs.Append(attribute.G).Where(g => g is not null).SelectMany(g => TensorsOf(g!));
        return tensors.Concat(sparse).Concat(graphs);
    }

    private static IEnumerable<TensorProto> TensorsOf(SparseTensorProto sparse) =>
        new[] { sparse.Values, sparse.Indices }.Where(t => t is not null)!;
}
