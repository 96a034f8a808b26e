using System.Text.Json;
using Modelplane.Abstractions;
using Modelplane.Runtimes.Onnx.Proto;

namespace Modelplane.Testing.Onnx;

/// <summary>
/// Reads <c>models/EXPECTED.json</c>: for each model (key = path under <c>models/</c>), inputs and outputs transcribed
/// from the upstream test (<c>inputs</c>/<c>outputs</c>, or an <c>example</c> holding both), the declared
/// <c>signature</c>, <c>error_cases</c>, and <c>more_rows_one_at_a_time</c> (each row becomes its own case checking the
/// label). Output datatypes come from the model's graph unless the entry states a <c>dtype</c>. Models in the folder that
/// EXPECTED.json does not name become load-only cases.
/// </summary>
public static class ExpectedModelsReader
{
    /// <summary>Reads every case under <paramref name="modelsFolder"/>, named <c>models/&lt;path&gt;</c>.</summary>
    public static IEnumerable<OnnxTestCase> ReadFolder(string modelsFolder)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(modelsFolder, "EXPECTED.json")));
        var listed = new HashSet<string>(StringComparer.Ordinal);
        var cases = new List<OnnxTestCase>();
        foreach (var entry in doc.RootElement.EnumerateObject().Where(e => e.Name.EndsWith(".onnx", StringComparison.Ordinal)))
        {
            listed.Add(entry.Name);
            cases.AddRange(ReadEntry(modelsFolder, entry.Name, entry.Value));
        }

        var unlisted = Directory.GetFiles(modelsFolder, "*.onnx", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(modelsFolder, f).Replace('\\', '/'))
            .Where(f => !listed.Contains(f))
            .Order(StringComparer.Ordinal);
        cases.AddRange(unlisted.Select(f => new OnnxTestCase($"models/{f}", Path.Combine(modelsFolder, f), [], [], null, null, [])));
        return cases;
    }

    private static IEnumerable<OnnxTestCase> ReadEntry(string folder, string key, JsonElement entry)
    {
        var modelPath = Path.Combine(folder, key);
        var graph = OnnxBackendTestReader.ReadModel(modelPath).Graph;
        var example = entry.TryGetProperty("example", out var e) ? e : entry;
        var inputs = example.TryGetProperty("inputs", out var i) ? Inputs(i) : [];
        var outputs = example.TryGetProperty("outputs", out var o) ? Outputs(o, graph) : [];
        var signature = entry.TryGetProperty("signature", out var s) ? Signature(s) : null;
        var errors = entry.TryGetProperty("error_cases", out var ec) ? ErrorCases(ec, inputs) : [];
        yield return new OnnxTestCase($"models/{key}", modelPath, inputs, outputs, null, signature, errors);

        if (entry.TryGetProperty("more_rows_one_at_a_time", out var rows) && inputs.Count == 1)
        {
            var input = inputs[0];
            var labelName = graph.Output[0].Name;
            var labelType = OnnxDataTypes.ToDataType(graph.Output[0].Type.TensorType.ElemType)!.Value;
            var labels = rows.GetProperty("labels");
            var n = 0;
            foreach (var row in rows.GetProperty("inputs").EnumerateArray())
            {
                var rowInput = JsonTensorReader.ToTensor(input.Name, input.DataType, row, input.Shape);
                var label = JsonTensorReader.ToTensor(labelName, labelType, labels[n], [1]);
                yield return new OnnxTestCase($"models/{key}/row_{n++}", modelPath, [rowInput], [label], [labelName], null, []);
            }
        }
    }

    private static List<Tensor> Inputs(JsonElement inputs) => inputs.EnumerateObject().Select(p =>
    {
        var dataType = TensorDataTypes.FromMlflowName(p.Value.GetProperty("dtype").GetString())
            ?? throw new InvalidDataException($"Input '{p.Name}': unknown dtype.");
        var shape = p.Value.TryGetProperty("shape", out var s) ? s.EnumerateArray().Select(d => d.GetInt64()).ToArray() : null;
        return JsonTensorReader.ToTensor(p.Name, dataType, p.Value.GetProperty("data"), shape);
    }).ToList();

    private static List<ModelValue> Outputs(JsonElement outputs, GraphProto graph) => outputs.EnumerateObject().Select(p =>
    {
        if (JsonTensorReader.IsMapList(p.Value))
        {
            return (ModelValue)JsonTensorReader.ToMapSequence(p.Name, p.Value);
        }

        var declared = graph.Output.First(o => o.Name == p.Name).Type.TensorType;
        var data = p.Value;
        var dataType = OnnxDataTypes.ToDataType(declared.ElemType)!.Value;
        if (data.ValueKind == JsonValueKind.Object)
        {
            dataType = TensorDataTypes.FromMlflowName(data.GetProperty("dtype").GetString()) ?? dataType;
            data = data.GetProperty("data");
        }

        var shape = JsonTensorReader.NestedShape(data);
        var declaredShape = declared.Shape?.Dim.Select(d => d.HasDimValue ? d.DimValue : -1L).ToArray();
        if (shape.Length == 1 && declaredShape is not null && declaredShape.All(d => d >= 0) && Tensor.ElementCount(declaredShape) == shape[0])
        {
            shape = declaredShape;
        }

        return JsonTensorReader.ToTensor(p.Name, dataType, data, shape);
    }).ToList();

    private static OnnxSignatureSpec Signature(JsonElement signature)
    {
        static List<OnnxValueSpec> Specs(JsonElement list) => list.EnumerateArray().Select(v =>
        {
            var type = v.GetProperty("type").GetString()!;
            var shape = v.TryGetProperty("shape", out var s) && type.StartsWith("tensor(", StringComparison.Ordinal)
                ? s.EnumerateArray().Select(d => d.GetInt64()).ToArray()
                : null;
            return new OnnxValueSpec(v.GetProperty("name").GetString()!, type, shape);
        }).ToList();

        return new OnnxSignatureSpec(Specs(signature.GetProperty("inputs")), Specs(signature.GetProperty("outputs")));
    }

    private static List<OnnxErrorCase> ErrorCases(JsonElement cases, List<Tensor> validInputs) => cases.EnumerateArray().Select(c =>
    {
        var message = c.GetProperty("error_contains").GetString()!;
        if (c.TryGetProperty("output_names", out var names))
        {
            var outputNames = names.EnumerateArray().Select(n => n.GetString()!).ToList();
            return new OnnxErrorCase($"unknown output {outputNames[0]}", validInputs, outputNames, outputNames[0], message);
        }

        var inputs = c.GetProperty("inputs").EnumerateObject().Select(p =>
        {
            var dataType = TensorDataTypes.FromMlflowName(p.Value.GetProperty("dtype").GetString())!.Value;
            return JsonTensorReader.ToTensor(p.Name, dataType, p.Value.GetProperty("data"), null);
        }).ToList();
        return new OnnxErrorCase($"{inputs[0].DataType} input '{inputs[0].Name}'", inputs, null, inputs[0].Name, message);
    }).ToList();
}
