using Modelplane.Abstractions;
using Modelplane.Runtimes.Onnx.Proto;
using static Modelplane.Testing.Onnx.OnnxModelBuilder;
using DataType = Modelplane.Runtimes.Onnx.Proto.TensorProto.Types.DataType;

namespace Modelplane.Testing.Onnx;

/// <summary>
/// Models written in code (no upstream file has these shapes), saved once per process under a temporary folder:
/// <c>synthetic/identity_&lt;datatype&gt;</c> (Identity over <c>[N,3]</c>, one per <see cref="TensorDataType"/>, expected
/// output = input) and models that must be refused: sequence, optional and map inputs, sequence and optional outputs,
/// an unknown operator, and a truncated file.
/// </summary>
public static class SyntheticOnnxModels
{
    private static readonly Lazy<string> FolderLazy = new(WriteAll);

    /// <summary>The folder holding the written models.</summary>
    public static string Folder => FolderLazy.Value;

    /// <summary>Refusals: case name → expected message fragment and reason.</summary>
    public static IReadOnlyDictionary<string, UnservableModel> Unservable { get; } = new Dictionary<string, UnservableModel>(StringComparer.Ordinal)
    {
        ["synthetic/sequence_input"] = new("Input 'xs' has type seq(tensor(float))", "graph input is a sequence of tensors"),
        ["synthetic/optional_input"] = new("Input 'x' has type optional(tensor(float))", "graph input is an optional tensor"),
        ["synthetic/map_input"] = new("Input 'm' has type map(int64,tensor(float))", "graph input is a map (DictVectorizer)"),
        ["synthetic/sequence_output"] = new("Output 'ys' has type seq(tensor(float))", "graph output is a sequence of tensors, not ZipMap's maps"),
        ["synthetic/optional_output"] = new("Output 'y' has type optional(tensor(float))", "graph output is an optional tensor"),
        ["synthetic/unknown_op"] = new("NoSuchOp", "operator NoSuchOp does not exist in the default domain"),
        ["synthetic/truncated"] = new("is not a valid ONNX file", "the file is a model cut in half"),
    };

    /// <summary>All synthetic cases.</summary>
    public static IEnumerable<OnnxTestCase> Cases()
    {
        foreach (var dataType in Enum.GetValues<TensorDataType>())
        {
            var name = $"identity_{dataType.ToString().ToLowerInvariant()}";
            var input = DataTypeSamples.Tensor(dataType, "x");
            var output = new Tensor("y", dataType, input.Shape, input.Data);
            var type = OnnxDataTypes.TensorTypeString(dataType);
            var signature = new OnnxSignatureSpec([new("x", type, [-1, 3])], [new("y", type, [-1, 3])]);
            yield return new OnnxTestCase($"synthetic/{name}", PathOf(name), [input], [output], null, signature, []);
        }

        foreach (var name in Unservable.Keys)
        {
            var file = name["synthetic/".Length..];
            yield return new OnnxTestCase(name, PathOf(file), [], [], null, null, []);
        }
    }

    private static void DeleteQuietly(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
            // Best effort at process exit: a leftover temp folder harms nothing.
        }
        catch (UnauthorizedAccessException)
        {
            // Same.
        }
    }

    private static string PathOf(string name) => Path.Combine(Folder, name + ".onnx");

    private static string WriteAll()
    {
        var folder = Path.Combine(Path.GetTempPath(), "modelplane-onnx-synthetic-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => DeleteQuietly(folder);
        foreach (var dataType in Enum.GetValues<TensorDataType>())
        {
            var type = TensorType(OnnxDataTypes.ToOnnx(dataType), "N", 3);
            var graph = Graph([Node("Identity", ["x"], ["y"])], [Value("x", type)], [Value("y", type)]);
            Save(Model(graph), Path.Combine(folder, $"identity_{dataType.ToString().ToLowerInvariant()}.onnx"));
        }

        var floats = TensorType(DataType.Float, "N");
        var position = new TensorProto { Name = "position", DataType = (int)DataType.Int64, Int64Data = { 0 } };
        Save(Model(Graph([Node("SequenceAt", ["xs", "position"], ["y"])], [Value("xs", SequenceOf(floats))], [Value("y", floats)], [position])),
            Path.Combine(folder, "sequence_input.onnx"));
        Save(Model(Graph([Node("OptionalGetElement", ["x"], ["y"])], [Value("x", OptionalOf(floats))], [Value("y", floats)])),
            Path.Combine(folder, "optional_input.onnx"));
        var vectorized = TensorType(DataType.Float, 1, 3);
        var dictVectorizer = Node("DictVectorizer", ["m"], ["y"], "ai.onnx.ml", Ints("int64_vocabulary", 0, 1, 2));
        Save(Model(Graph([dictVectorizer], [Value("m", MapOf(DataType.Int64, TensorType(DataType.Float)))], [Value("y", vectorized)]), ("ai.onnx.ml", 3)),
            Path.Combine(folder, "map_input.onnx"));
        Save(Model(Graph([Node("SequenceConstruct", ["x", "x"], ["ys"])], [Value("x", floats)], [Value("ys", SequenceOf(floats))])),
            Path.Combine(folder, "sequence_output.onnx"));
        Save(Model(Graph([Node("Optional", ["x"], ["y"])], [Value("x", floats)], [Value("y", OptionalOf(floats))])),
            Path.Combine(folder, "optional_output.onnx"));
        Save(Model(Graph([Node("NoSuchOp", ["x"], ["y"])], [Value("x", floats)], [Value("y", floats)])),
            Path.Combine(folder, "unknown_op.onnx"));
        var whole = File.ReadAllBytes(Path.Combine(folder, "identity_float32.onnx"));
        File.WriteAllBytes(Path.Combine(folder, "truncated.onnx"), whole[..(whole.Length / 2)]);
        return folder;
    }
}
