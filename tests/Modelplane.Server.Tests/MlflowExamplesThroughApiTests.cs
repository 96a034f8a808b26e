using System.Globalization;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Core.Registry;
using Modelplane.Runtimes.Onnx.Proto;
using Modelplane.Testing;
using Modelplane.Testing.Onnx;
using static Modelplane.Testing.Onnx.OnnxModelBuilder;

namespace Modelplane.Server.Tests;

/// <summary>
/// The MLflow test data (tests/testdata/mlflow) through the REST API of a real node. Each serving example
/// (<c>serving_input_example.json</c>, or a dataframe <c>input_example.json</c>) is accepted by an onnx-flavor MLflow
/// directory built here with the original MLmodel's column signature: an ONNX graph taking those columns as
/// <c>[-1,1]</c> inputs of the matching type, answering <c>numbers</c> (every numeric or boolean column cast to double,
/// concatenated) and <c>strings</c> (every string column, concatenated), so each row's answer must equal the row sent.
/// A column signature with no example at all gets a generated two-row one. The original directories, whose flavors
/// Modelplane cannot serve, are refused at registration with the flavor named.
/// </summary>
public sealed class MlflowExamplesThroughApiTests(NodeFixture node) : IClassFixture<NodeFixture>
{
    private const string Generated = "(generated)";

    /// <summary>MLflow column types with no scalar value to generate (MLflow's composite types).</summary>
    private static readonly HashSet<string> CompositeTypes = new(StringComparer.OrdinalIgnoreCase) { "array", "object", "map", "any" };

    /// <summary>Directory and example file (or <see cref="Generated"/>) for each payload to serve.</summary>
    public static TheoryData<string, string> Examples()
    {
        var rows = new TheoryData<string, string>();
        foreach (var dir in ModelDirs())
        {
            var mlmodel = MlmodelParser.ParseFile(Path.Combine(dir, "MLmodel"));
            var name = Path.GetFileName(dir);
            if (File.Exists(Path.Combine(dir, "serving_input_example.json")))
            {
                rows.Add(name, "serving_input_example.json");
            }
            else if (File.Exists(Path.Combine(dir, "input_example.json")) && mlmodel.InputExample?.Type == "dataframe")
            {
                rows.Add(name, "input_example.json");
            }
            else if (mlmodel.Signature is { Kind: SignatureKind.Columns } s && s.Inputs.All(c => !CompositeTypes.Contains(c.SourceType!)))
            {
                rows.Add(name, Generated);
            }
        }

        return rows;
    }

    /// <summary>The directories whose MLmodel has no onnx flavor.</summary>
    public static TheoryData<string> Unservable() =>
        new(ModelDirs().Where(d => !MlmodelParser.ParseFile(Path.Combine(d, "MLmodel")).Flavors.ContainsKey(MlflowModelFile.OnnxFlavor)).Select(d => Path.GetFileName(d)));

    [Theory]
    [MemberData(nameof(Examples))]
    public async Task Example_IsAnsweredRowByRow_ByAnOnnxFlavorModelWithTheSameSignature(string dirName, string example)
    {
        var source = TestData.PathOf("mlflow", dirName);
        var signature = MlmodelParser.ParseFile(Path.Combine(source, "MLmodel")).Signature!;
        Assert.Equal(SignatureKind.Columns, signature.Kind);
        var payload = example == Generated ? GeneratedPayload(signature)
            : ToPayload(JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(source, example)))!.AsObject());
        var (columns, rows) = Table(payload);

        var dir = Path.Combine(node.DataDir, "built-" + dirName);
        Directory.CreateDirectory(dir);
        foreach (var file in Directory.GetFiles(source).Where(f => Path.GetFileName(f) != "MLmodel"))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }

        await File.WriteAllTextAsync(Path.Combine(dir, "MLmodel"), WithOnnxFlavor(await File.ReadAllTextAsync(Path.Combine(source, "MLmodel"))));
        var rewritten = MlmodelParser.ParseFile(Path.Combine(dir, "MLmodel"));
        Assert.Equal(signature.Inputs, rewritten.Signature!.Inputs);
        Save(ColumnModel(signature), Path.Combine(dir, "model.onnx"));

        var fullName = $"main.default.{Name(dirName)}";
        await node.RegisterAsync(fullName, dir);
        var endpoint = await node.ServeAsync(Name(dirName), fullName);
        Assert.Equal("READY", endpoint["state"]!["ready"]!.GetValue<string>());
        var (status, body, _) = await node.PostAsync($"/serving-endpoints/{Name(dirName)}/invocations", payload.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, $"{(int)status} {body}");

        var predictions = body!["predictions"]!.AsArray();
        Assert.Equal(rows.Count, predictions.Count);
        var numeric = signature.Inputs.Where(c => c.DataType != TensorDataType.String).Select(c => columns.IndexOf(c.Name!)).ToList();
        var text = signature.Inputs.Where(c => c.DataType == TensorDataType.String).Select(c => columns.IndexOf(c.Name!)).ToList();
        for (var r = 0; r < rows.Count; r++)
        {
            var row = rows[r]!.AsArray();
            Assert.Equal(numeric.Select(c => AsDouble(row[c]!)), Cells(predictions[r]!["numbers"]).Select(v => v.GetValue<double>()));
            if (text.Count > 0)
            {
                Assert.Equal(text.Select(c => row[c]!.GetValue<string>()), Cells(predictions[r]!["strings"]).Select(v => v.GetValue<string>()));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Unservable))]
    public async Task OriginalDirectory_WithItsOwnFlavor_IsRefusedNamingTheFlavor(string dirName)
    {
        var source = TestData.PathOf("mlflow", dirName);
        var mlmodel = MlmodelParser.ParseFile(Path.Combine(source, "MLmodel"));
        var dir = Path.Combine(node.DataDir, "original-" + dirName);
        Directory.CreateDirectory(dir);
        foreach (var file in Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(dir, Path.GetFileName(file)));
        }

        // A dummy artifact where the flavors say the model lies (model.pkl, model.ubj, data), so only the flavor is wrong.
        var artifacts = mlmodel.Flavors.Values.SelectMany(a => a.Where(p => p.Key is "data" or "model_path" or "pickled_model").Select(p => p.Value!));
        foreach (var artifact in artifacts.Distinct(StringComparer.Ordinal))
        {
            await File.WriteAllTextAsync(Path.Combine(dir, artifact), "not a model");
        }

        var refusal = await node.RegisterAsync($"main.default.original-{Name(dirName)}", dir, HttpStatusCode.BadRequest);
        Assert.Equal("INVALID_PARAMETER_VALUE", refusal["error_code"]!.GetValue<string>());
        var flavors = mlmodel.Flavors.Keys.Where(f => f != MlflowModelFile.PythonFunctionFlavor).ToList();
        Assert.NotEmpty(flavors);
        Assert.All(flavors, f => Assert.Contains($"'{f}'", refusal["message"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    /// <summary>A model and endpoint name from a directory name: lower-case, <c>.</c> as <c>-</c>.</summary>
    private static string Name(string dirName) => dirName.ToLowerInvariant().Replace('.', '-');

    private static IEnumerable<string> ModelDirs() =>
        Directory.GetDirectories(TestData.PathOf("mlflow")).Where(d => File.Exists(Path.Combine(d, "MLmodel"))).Order(StringComparer.Ordinal);

    /// <summary>The MLmodel text with its <c>flavors</c> block replaced by the onnx flavor MLflow writes; all else kept.</summary>
    private static string WithOnnxFlavor(string mlmodel)
    {
        var lines = mlmodel.ReplaceLineEndings("\n").Split('\n');
        var start = Array.FindIndex(lines, l => l.TrimEnd() == "flavors:");
        var end = start + 1;
        while (end < lines.Length && lines[end].StartsWith(' '))
        {
            end++;
        }

        string[] onnx = ["flavors:", "  onnx:", "    data: model.onnx", "    onnx_version: 1.16.2", "  python_function:", "    data: model.onnx", "    loader_module: mlflow.onnx"];
        return string.Join('\n', lines[..start].Concat(onnx).Concat(lines[end..]));
    }

    /// <summary>Columns in, <c>numbers</c> (numeric columns as double, concatenated) and <c>strings</c> out.</summary>
    private static ModelProto ColumnModel(ModelSignature signature)
    {
        var nodes = new List<NodeProto>();
        var inputs = signature.Inputs.Select(c => Value(c.Name!, TensorType(OnnxDataTypes.ToOnnx(c.DataType), "N", 1))).ToList();
        var numeric = signature.Inputs.Where(c => c.DataType != TensorDataType.String).Select(c => c.Name!).ToList();
        var text = signature.Inputs.Where(c => c.DataType == TensorDataType.String).Select(c => c.Name!).ToList();
        var outputs = new List<ValueInfoProto>();
        if (numeric.Count > 0)
        {
            var toDouble = new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (long)TensorProto.Types.DataType.Double };
            nodes.AddRange(numeric.Select(c => Node("Cast", [c], [c + "_f64"], "", toDouble)));
            nodes.Add(Node("Concat", [.. numeric.Select(c => c + "_f64")], ["numbers"], "", Axis()));
            outputs.Add(Value("numbers", TensorType(TensorProto.Types.DataType.Double, "N", numeric.Count)));
        }

        if (text.Count > 0)
        {
            nodes.Add(Node("Concat", [.. text], ["strings"], "", Axis()));
            outputs.Add(Value("strings", TensorType(TensorProto.Types.DataType.String, "N", text.Count)));
        }

        return Model(Graph(nodes, inputs, outputs));
    }

    private static AttributeProto Axis() => new() { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = 1 };

    /// <summary>An example file's body: a serving payload as it is; a bare dataframe (split or records orient) wrapped.</summary>
    private static JsonObject ToPayload(JsonObject example) =>
        example.ContainsKey("dataframe_split") || example.ContainsKey("dataframe_records") ? example
            : new JsonObject { ["dataframe_split"] = example.DeepClone() };

    /// <summary>Two rows with a value of each column's type.</summary>
    private static JsonObject GeneratedPayload(ModelSignature signature)
    {
        JsonNode Cell(TensorSpec c, int r) => c.DataType switch
        {
            TensorDataType.String => $"value {r}",
            TensorDataType.Bool => r == 0,
            TensorDataType.Float16 or TensorDataType.BFloat16 or TensorDataType.Float32 or TensorDataType.Float64 => 1.5 + r,
            _ => 7 + r,
        };

        return new JsonObject
        {
            ["dataframe_split"] = new JsonObject
            {
                ["columns"] = new JsonArray([.. signature.Inputs.Select(c => (JsonNode)c.Name!)]),
                ["data"] = new JsonArray([.. Enumerable.Range(0, 2).Select(r => (JsonNode)new JsonArray([.. signature.Inputs.Select(c => Cell(c, r))]))]),
            },
        };
    }

    /// <summary>Columns and rows of a <c>dataframe_split</c> or <c>dataframe_records</c> payload.</summary>
    private static (List<string> Columns, JsonArray Rows) Table(JsonObject payload)
    {
        if (payload["dataframe_split"] is JsonObject split)
        {
            return ([.. split["columns"]!.AsArray().Select(c => c!.GetValue<string>())], split["data"]!.AsArray());
        }

        var records = payload["dataframe_records"]!.AsArray();
        List<string> columns = [.. records[0]!.AsObject().Select(p => p.Key)];
        return (columns, new JsonArray([.. records.Select(r => (JsonNode)new JsonArray([.. columns.Select(c => r![c]!.DeepClone())]))]));
    }

    /// <summary>A row's cells: an array, or a single value (pandas writes a one-element row as the element).</summary>
    private static IEnumerable<JsonValue> Cells(JsonNode? cell) =>
        cell is JsonArray a ? a.Select(v => v!.AsValue()) : [cell!.AsValue()];

    private static double AsDouble(JsonNode cell) => cell.GetValueKind() switch
    {
        System.Text.Json.JsonValueKind.True => 1,
        System.Text.Json.JsonValueKind.False => 0,
        _ => double.Parse(cell.ToJsonString(), CultureInfo.InvariantCulture),
    };
}
