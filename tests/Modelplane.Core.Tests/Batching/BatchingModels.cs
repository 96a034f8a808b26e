using Modelplane.Abstractions;
using Modelplane.Runtimes.Onnx;
using Modelplane.Runtimes.Onnx.Proto;
using Modelplane.Testing;
using Modelplane.Testing.Onnx;
using static Modelplane.Testing.Onnx.OnnxModelBuilder;
using DataType = Modelplane.Runtimes.Onnx.Proto.TensorProto.Types.DataType;

namespace Modelplane.Core.Tests.Batching;

/// <summary>
/// Real models loaded once in ONNX Runtime for the batching tests: the iris example (four FP32 inputs, a string and an
/// FP32 output), a scikit-learn random forest (INT64 labels and ZipMap's per-row maps), and three written here: one
/// Identity per datatype (14 inputs and outputs, strings, FP16 and BF16 among them), a Gather whose out-of-range
/// indices fail inside the graph, and a ReduceSum over dimension 0 (its output is not per row).
/// </summary>
public sealed class BatchingModels : IAsyncLifetime
{
    /// <summary>Names of the models every batching property runs on.</summary>
    public static readonly string[] Names = ["iris", "random_forest", "all_types", "gather", "reduce_sum"];

    /// <summary>The rows of the table the gather model indexes; indices outside [-5, 4] fail.</summary>
    public const int GatherRows = 5;

    private readonly string folder = Path.Combine(Path.GetTempPath(), "modelplane-batching-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, ILoadedModel> models = new(StringComparer.Ordinal);

    /// <summary>
    /// How closely a model's batched floating-point outputs must match its unbatched ones: exactly (0, 0) for every model
    /// but iris. Iris's classifier multiplies matrices; ONNX Runtime's MLAS kernels take a different path for one row than
    /// for many, so a row's probabilities can differ in the last bits (a few parts in a million, seen on x64) between a
    /// batched and an unbatched run. The batcher's stacking and splitting are exact, as the Identity, Gather, tree and
    /// ReduceSum models show; its labels (strings) are compared exactly.
    /// </summary>
    public static (double Relative, double Absolute) Tolerance(string name) => name == "iris" ? (1e-5, 1e-7) : (0, 0);

    /// <summary>A loaded model by name.</summary>
    public ILoadedModel this[string name] => models[name];

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        var runtime = new OnnxModelRuntime();
        var files = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["iris"] = Path.Combine(TestData.RepoRoot, "examples", "iris", "model", "model.onnx"),
            ["random_forest"] = TestData.PathOf("onnx", "models", "yalue-onnxruntime_go", "sklearn_randomforest.onnx"),
            ["all_types"] = Write("all_types", AllTypesModel()),
            ["gather"] = Write("gather", GatherModel()),
            ["reduce_sum"] = Write("reduce_sum", ReduceSumModel()),
        };
        foreach (var (name, file) in files)
        {
            models[name] = await runtime.LoadAsync(file, new RuntimeOptions(), CancellationToken.None);
        }
    }

    public Task DisposeAsync()
    {
        foreach (var model in models.Values)
        {
            model.Dispose();
        }

        Directory.Delete(folder, recursive: true);
        return Task.CompletedTask;
    }

    private string Write(string name, ModelProto model)
    {
        var path = Path.Combine(folder, name + ".onnx");
        Save(model, path);
        return path;
    }

    /// <summary><c>x_&lt;type&gt; [N,3] → y_&lt;type&gt; [N,3]</c> by Identity, for every datatype.</summary>
    private static ModelProto AllTypesModel()
    {
        var types = Enum.GetValues<TensorDataType>();
        var nodes = types.Select(t => Node("Identity", [$"x_{t}"], [$"y_{t}"]));
        var inputs = types.Select(t => Value($"x_{t}", TensorType(OnnxDataTypes.ToOnnx(t), "N", 3)));
        var outputs = types.Select(t => Value($"y_{t}", TensorType(OnnxDataTypes.ToOnnx(t), "N", 3)));
        return Model(Graph(nodes, inputs, outputs));
    }

    /// <summary><c>indices int64 [N] → rows float [N,2]</c>: Gather from a 5×2 table (row i holds i and -i).</summary>
    private static ModelProto GatherModel()
    {
        var table = new TensorProto { Name = "table", DataType = (int)DataType.Float, Dims = { GatherRows, 2 } };
        table.FloatData.Add(Enumerable.Range(0, GatherRows).SelectMany(i => new float[] { i, -i }));
        var graph = Graph(
            [Node("Gather", ["table", "indices"], ["rows"])],
            [Value("indices", TensorType(DataType.Int64, "N"))],
            [Value("rows", TensorType(DataType.Float, "N", 2))],
            [table]);
        return Model(graph);
    }

    /// <summary><c>x float [N,3] → total float [M,3]</c>: ReduceSum over axis 0 (keepdims), so M is 1 whatever N is;
    /// the output's first dimension is declared symbolic, so the graph looks batchable.</summary>
    private static ModelProto ReduceSumModel()
    {
        var axes = new TensorProto { Name = "axes", DataType = (int)DataType.Int64, Dims = { 1 }, Int64Data = { 0 } };
        var graph = Graph(
            [Node("ReduceSum", ["x", "axes"], ["total"])],
            [Value("x", TensorType(DataType.Float, "N", 3))],
            [Value("total", TensorType(DataType.Float, "M", 3))],
            [axes]);
        return Model(graph);
    }
}
