using System.Text.Json;
using Modelplane.Abstractions;
using Modelplane.Runtimes.Onnx.Proto;

namespace Modelplane.Testing.Onnx;

/// <summary>
/// Reads the ONNX backend test layout (onnx/onnx <c>onnx/backend/test/data</c>): a folder per test with
/// <c>model.onnx</c> and <c>test_data_set_0/input_N.pb</c>, <c>output_N.pb</c> (serialized TensorProtos). Input N feeds
/// the N-th graph input that no initializer provides; output N is the N-th graph output. The folder's
/// <c>MANIFEST.json</c> gives each test's declared inputs and outputs.
/// </summary>
public static class OnnxBackendTestReader
{
    /// <summary>Reads every test folder under <paramref name="folder"/> (e.g. <c>tests/testdata/onnx/node</c>).</summary>
    /// <param name="folder">The folder holding one sub-folder per test and <c>MANIFEST.json</c>.</param>
    /// <param name="prefix">Case-name prefix, e.g. <c>node</c>.</param>
    public static IEnumerable<OnnxTestCase> ReadFolder(string folder, string prefix)
    {
        var manifest = ReadManifest(Path.Combine(folder, "MANIFEST.json"));
        foreach (var dir in Directory.GetDirectories(folder).Order(StringComparer.Ordinal))
        {
            var test = Path.GetFileName(dir);
            yield return ReadCase(dir, $"{prefix}/{test}", manifest.GetValueOrDefault(test));
        }
    }

    /// <summary>Reads one test folder.</summary>
    public static OnnxTestCase ReadCase(string dir, string name, OnnxSignatureSpec? signature = null)
    {
        var modelPath = Path.Combine(dir, "model.onnx");
        var graph = ReadModel(modelPath).Graph;
        var initialized = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        var inputNames = graph.Input.Select(i => i.Name).Where(n => !initialized.Contains(n)).ToList();
        var outputNames = graph.Output.Select(o => o.Name).ToList();
        var dataSet = Path.Combine(dir, "test_data_set_0");
        var inputs = ReadTensors(dataSet, "input", inputNames);
        var outputs = ReadTensors(dataSet, "output", outputNames);
        return new OnnxTestCase(name, modelPath, inputs, outputs, null, signature, []);
    }

    /// <summary>Parses a model file with the ONNX protobuf schema.</summary>
    public static ModelProto ReadModel(string modelPath)
    {
        using var stream = File.OpenRead(modelPath);
        return ModelProto.Parser.ParseFrom(stream);
    }

    private static List<Tensor> ReadTensors(string dataSet, string kind, List<string> names)
    {
        var tensors = new List<Tensor>();
        for (var i = 0; File.Exists(Path.Combine(dataSet, $"{kind}_{i}.pb")); i++)
        {
            if (i >= names.Count)
            {
                throw new InvalidDataException($"{dataSet}: {kind}_{i}.pb has no matching graph {kind}.");
            }

            tensors.Add(TensorProtoConverter.ReadFile(Path.Combine(dataSet, $"{kind}_{i}.pb"), names[i]));
        }

        return tensors;
    }

    /// <summary>Reads MANIFEST.json: test name → declared inputs and outputs (<c>"?"</c> dimensions become -1).</summary>
    private static Dictionary<string, OnnxSignatureSpec> ReadManifest(string path)
    {
        var result = new Dictionary<string, OnnxSignatureSpec>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return result;
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        foreach (var test in doc.RootElement.EnumerateObject())
        {
            if (test.Value.TryGetProperty("model", out var model))
            {
                result[test.Name] = new OnnxSignatureSpec(Specs(model.GetProperty("inputs")), Specs(model.GetProperty("outputs")));
            }
        }

        return result;
    }

    private static List<OnnxValueSpec> Specs(JsonElement list) => list.EnumerateArray().Select(v =>
    {
        var kind = v.GetProperty("kind").GetString();
        var element = v.TryGetProperty("elem_type", out var e) ? e.GetString()!.ToLowerInvariant() : "undefined";
        var shape = v.TryGetProperty("shape", out var s) && s.ValueKind == JsonValueKind.Array
            ? s.EnumerateArray().Select(d => d.ValueKind == JsonValueKind.Number ? d.GetInt64() : -1L).ToArray()
            : null;
        return new OnnxValueSpec(v.GetProperty("name").GetString()!, $"{kind}({element})", kind == "tensor" ? shape : null);
    }).ToList();
}
