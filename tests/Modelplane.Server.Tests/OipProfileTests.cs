using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Server.Api;
using Modelplane.Testing;

namespace Modelplane.Server.Tests;

/// <summary>
/// docs/oip-profile.md, checked on the codec: <see cref="OipCodec"/> parses every public OIP request body we hold
/// (KServe e2e tests, MLServer, the spec's own examples, copied to tests/testdata/oip), each with the outcome the profile
/// predicts. <see cref="OipHttpTests"/> checks the routes.
/// </summary>
public sealed class OipProfileTests
{
    // ---------------------------------------------------------------------------------------------------------------
    // The corpus: every body, with its outcome. null = accepted; otherwise a fragment the 400's message must contain
    // (the field at fault). "file#a/b" picks a member of a JSON file; a picked tensor is wrapped as {"inputs":[it]}.

    public static TheoryData<string, string?> Corpus() => new()
    {
        { "kserve-e2e/autogluon_titanic_input_v2.json", null },
        // Triton binary extension asked for all outputs (request parameters.binary_data_output): refused, not ignored.
        { "kserve-e2e/autogluon_titanic_input_v2_all_binary.json", "binary_data_output" },
        // Triton binary extension on one output (outputs[].parameters.binary_data: true): refused.
        { "kserve-e2e/autogluon_titanic_input_v2_binary.json", "Output 'predictions': the binary tensor data extension (binary_data)" },
        // BYTES, shape [] (a scalar: 1 element) with data ["text"]: accepted.
        { "kserve-e2e/bert_sequence_classification_v2.json", null },
        { "kserve-e2e/bert_token_classification_v2.json", null },
        // Nested data exactly as shape [2,4]: accepted.
        { "kserve-e2e/iris_input_v2.json", null },
        { "kserve-e2e/iris_input_v2_all_binary.json", "binary_data_output" },
        { "kserve-e2e/iris_input_v2_binary.json", "Output 'output-0': the binary tensor data extension (binary_data)" },
        // gRPC-style JSON: "contents" instead of "data".
        { "kserve-e2e/iris_input_v2_grpc.json", "Input 'input-0': 'data' is required" },
        // Not OIP: an input object of columns without name/shape/datatype.
        { "kserve-e2e/iris_input_v3.json", "inputs[0].name is required" },
        // parameters {"content_type": "pd"} (a string value) and integers as FP32 ([0], [11]): accepted.
        { "kserve-e2e/mlflow_input_v2.json", null },
        { "kserve-e2e/pmml-input-v2.json", null },
        { "kserve-e2e/sklearn_mixed_v2.json", null },
        { "kserve-e2e/text_embedding_input_v2.json", null },
        // id echoed; FP32 [1,28,28] nested three deep.
        { "kserve-e2e/torchserve_input_v2.json", null },
        // Input parameters {"content_type": "str"} and a plain outputs selection: accepted.
        { "mlserver-testdata/generate-request.json", null },
        { "mlserver-testdata/inference-request-invalid-datatype.json", "datatype 'INT322' is not an OIP datatype" },
        { "mlserver-testdata/inference-request-with-output.json", null },
        { "mlserver-testdata/inference-request.json", null },
        // The spec's example: input1 declares shape [3] (3 BOOL) and sends [true]. Strict count: refused.
        { "spec_examples.json#infer_request_spec/body", "Input 'input1': shape [3] holds 3 elements but 1 were given" },
        { "spec_examples.json#infer_request_spec_fixed/body", null },
        { "spec_examples.json#nested_vs_flat_data/flat", null },
        { "spec_examples.json#nested_vs_flat_data/nested", null },
        // Triton classification extension: refused.
        { "spec_examples.json#classification_request/body", "Output 'output0': the classification extension (classification)" },
        // The binary-data request's JSON header: inputs carry binary_data_size and no data.
        { "spec_examples.json#binary_data_request/json_header", "Input 'input0': the binary tensor data extension (binary_data_size)" },
    };

    [Theory]
    [MemberData(nameof(Corpus))]
    public void CorpusBody_HasTheOutcomeTheProfilePredicts(string source, string? refusal)
    {
        var body = Load(source);
        if (refusal is not null)
        {
            var error = Refused(body.ToJsonString());
            Assert.Equal(ErrorCode.InvalidParameterValue, error.ErrorCode);
            Assert.Contains(refusal, error.Message, StringComparison.Ordinal);
            return;
        }

        var parsed = Parse(body.ToJsonString());
        var inputs = body["inputs"]!.AsArray();
        Assert.Equal(inputs.Count, parsed.Payload.Tensors.Count);
        for (var i = 0; i < inputs.Count; i++)
        {
            var expected = inputs[i]!;
            var tensor = parsed.Payload.Tensors[i];
            Assert.Equal(expected["name"]!.GetValue<string>(), tensor.Name);
            Assert.Equal(expected["datatype"]!.GetValue<string>(), tensor.DataType.ToOipName());
            Assert.Equal(expected["shape"]!.AsArray().Select(d => d!.GetValue<long>()), tensor.Shape);
            var elements = Flatten(expected["data"]!);
            Assert.Equal(elements.Count, tensor.Data.Length);
            for (var e = 0; e < elements.Count; e++)
            {
                Assert.Equal(Expected(elements[e]!, tensor.DataType), tensor.Data.GetValue(e));
            }
        }

        Assert.Equal(body["id"]?.GetValue<string>(), parsed.Id);
        Assert.Equal(body["outputs"]?.AsArray().Select(o => o!["name"]!.GetValue<string>()), parsed.Payload.Outputs);
        Assert.Equal(body["parameters"] is not null, parsed.Parameters is not null);
    }

    [Fact]
    public void Corpus_CoversEveryCopiedFile_AndTheSpecExamplesNamedInTheProfile()
    {
        var covered = ((IEnumerable<object[]>)Corpus()).Select(row => (string)row[0]).ToList();
        var files = Directory.EnumerateFiles(TestData.PathOf("oip"), "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(TestData.PathOf("oip"), f).Replace('\\', '/'))
            .Where(f => f != "spec_examples.json")
            .ToList();
        Assert.Equal(19, files.Count);
        Assert.All(files, f => Assert.Contains(f, covered));
        foreach (var member in new[] { "infer_request_spec", "infer_request_spec_fixed", "nested_vs_flat_data", "classification_request", "binary_data_request" })
        {
            Assert.Contains(covered, c => c.StartsWith($"spec_examples.json#{member}/", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void NestedAndFlat_SpecExample_GiveTheSameTensor()
    {
        var flat = Parse(Load("spec_examples.json#nested_vs_flat_data/flat").ToJsonString()).Payload.Tensors[0];
        var nested = Parse(Load("spec_examples.json#nested_vs_flat_data/nested").ToJsonString()).Payload.Tensors[0];
        Assert.Equal(flat.Shape, nested.Shape);
        Assert.Equal((float[])flat.Data, (float[])nested.Data);
        Assert.Equal(6.8f, ((float[])nested.Data)[0]);
        Assert.Equal(1.6f, ((float[])nested.Data)[7]);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Codec rules the corpus does not reach.

    public static TheoryData<string, string, string> Tensors() => new()
    {
        // datatype, shape, data
        { "BYTES", "[]", """["one"]""" },
        { "BYTES", "[]", "\"one\"" },
        { "BYTES", "[1]", "\"one\"" },
        { "BYTES", "[2,1]", """["a","b"]""" },
        { "BYTES", "[2,1]", """[["a"],["b"]]""" },
        { "FP32", "[2,2]", "[1,2,3,4]" },
        { "INT64", "[1]", "[2.0]" },
        { "INT64", "[1]", "[1e3]" },
        { "FP32", "[3]", """["NaN","Infinity","-Infinity"]""" },
        { "FP64", "[1]", "[1e300]" },
        { "UINT64", "[1]", "[18446744073709551615]" },
        { "FP32", "[0]", "[]" },
    };

    public static TheoryData<string, string, string, string> RefusedTensors() => new()
    {
        // datatype, shape, data, fragment of the 400's message
        { "BYTES", "[2,1]", """[["a","b"]]""", "nested data has shape [1,2] but 'shape' is [2,1]" },
        { "FP32", "[4]", "[[1,2],[3,4]]", "nested data has shape [2,2] but 'shape' is [4]" },
        { "BYTES", "[]", """[["a"]]""", "nested data has shape [1,1] but 'shape' is []" },
        { "BYTES", "[]", "[]", "shape [] holds 1 elements but 0 were given" },
        { "BOOL", "[3]", "[true]", "shape [3] holds 3 elements but 1 were given" },
        { "FP32", "[2,2]", "[[1,2],[3]]", "ragged" },
        { "FP32", "[1]", """[{"x":1}]""", "ragged" },
        { "INT64", "[1]", "[2.5]", "not an integer" },
        { "INT32", "[1]", "[2147483648]", "out of range for int32" },
        { "UINT8", "[1]", "[300]", "out of range for uint8" },
        { "UINT32", "[1]", "[-1]", "out of range for uint32" },
        { "INT32", "[1]", "[\"5\"]", "not a valid int32" },
        { "BOOL", "[1]", "[1]", "expected a boolean" },
        { "BOOL", "[1]", "[\"true\"]", "expected a boolean" },
        { "BYTES", "[1]", "[5]", "expected a string" },
        { "BYTES", "[1]", "[null]", "expected a string, got null" },
        { "FP32", "[1]", "[null]", "got null" },
        { "FP32", "[1]", "[true]", "got true" },
        { "FP32", "[1]", "[\"nan\"]", "\"NaN\", \"Infinity\" and \"-Infinity\"" },
        { "FP32", "[1]", "[1e39]", "out of range for float32" },
        { "FP16", "[1]", "[70000]", "out of range for float16" },
        { "INT64", "[1]", "[\"NaN\"]", "not a valid int64" },
        { "FP32", "[-1]", "[1]", "'shape' is required and must be an array of non-negative integers" },
        { "FP32", "[1.5]", "[1]", "'shape' is required and must be an array of non-negative integers" },
        { "FP32", "\"[1]\"", "[1]", "'shape' is required" },
        { "fp32", "[1]", "[1]", "datatype 'fp32' is not an OIP datatype" },
        { "FLOAT32", "[1]", "[1]", "datatype 'FLOAT32' is not an OIP datatype" },
    };

    [Theory]
    [MemberData(nameof(Tensors))]
    public void Tensor_Accepted(string datatype, string shape, string data)
    {
        var tensor = Parse($$"""{"inputs":[{"name":"x","datatype":"{{datatype}}","shape":{{shape}},"data":{{data}}}]}""").Payload.Tensors[0];
        Assert.Equal(datatype, tensor.DataType.ToOipName());
        Assert.Equal(JsonSerializer.Deserialize<long[]>(shape), tensor.Shape);
        Assert.Equal(Tensor.ElementCount(tensor.Shape), tensor.Data.Length);
    }

    [Theory]
    [MemberData(nameof(RefusedTensors))]
    public void Tensor_Refused_NamingTheInput(string datatype, string shape, string data, string fragment)
    {
        var error = Refused($$"""{"inputs":[{"name":"x","datatype":"{{datatype}}","shape":{{shape}},"data":{{data}}}]}""");
        Assert.Equal(400, error.StatusCode);
        Assert.Equal(ErrorCode.InvalidParameterValue, error.ErrorCode);
        Assert.Contains("Input 'x'", error.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShapeEmpty_IsAScalarOfOneElement()
    {
        var tensor = Parse("""{"inputs":[{"name":"x","datatype":"BYTES","shape":[],"data":["Hello, my dog is cute."]}]}""").Payload.Tensors[0];
        Assert.Empty(tensor.Shape);
        Assert.Equal(["Hello, my dog is cute."], (string[])tensor.Data);
    }

    [Fact]
    public void Fp16AndBf16_JsonNumbers_RoundToNearestEven()
    {
        var fp16 = Parse("""{"inputs":[{"name":"h","datatype":"FP16","shape":[3],"data":[0.1, 65504, -2.5]}]}""").Payload.Tensors[0];
        Assert.Equal([0.0999755859375, 65504.0, -2.5], ((Half[])fp16.Data).Select(h => (double)h));

        // bfloat16 keeps 7 mantissa bits: 1 + 2^-8 is halfway between 1 and 1 + 2^-7 (ties to the even 1);
        // 1 + 3*2^-8 is halfway between 1 + 2^-7 and 1 + 2^-6 (ties to the even 1 + 2^-6).
        var bf16 = Parse("""{"inputs":[{"name":"b","datatype":"BF16","shape":[3],"data":[1.00390625, 1.01171875, 3]}]}""").Payload.Tensors[0];
        Assert.Equal([1.0f, 1.015625f, 3.0f], ((ushort[])bf16.Data).Select(BFloat16Bits.ToSingle));
    }

    [Fact]
    public void Request_IdParametersAndOutputs_FollowTheProfile()
    {
        var parsed = Parse("""
            {"id":"abc","parameters":{"s":"x","n":1.5,"b":true},
             "inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1],"parameters":{"content_type":"np"}}],
             "outputs":[{"name":"y","parameters":{"binary_data":false,"content_type":"np"}},{"name":"z"}]}
            """);
        Assert.Equal("abc", parsed.Id);
        Assert.Equal(1.5, parsed.Parameters!.Value.GetProperty("n").GetDouble());
        Assert.Equal(["y", "z"], parsed.Payload.Outputs!);
        Assert.Null(Parse("""{"parameters":{"binary_data_output":false},"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}]}""").Payload.Outputs);
    }

    public static TheoryData<string, string, string> RefusedRequests() => new()
    {
        // body, error code, fragment
        { "[]", ErrorCode.BadRequest, "must be a JSON object" },
        { "{}", ErrorCode.BadRequest, "'inputs' is required" },
        { """{"inputs":[]}""", ErrorCode.BadRequest, "non-empty array" },
        { """{"inputs":{"name":"x"}}""", ErrorCode.BadRequest, "'inputs' is required" },
        { """{"id":42,"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}]}""", ErrorCode.InvalidParameterValue, "'id' must be a string" },
        { """{"parameters":{"p":{"nested":1}},"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}]}""", ErrorCode.InvalidParameterValue, "strings, numbers or booleans" },
        { """{"parameters":[1],"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}]}""", ErrorCode.InvalidParameterValue, "strings, numbers or booleans" },
        { """{"parameters":{"binary_data_output":true},"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}]}""", ErrorCode.InvalidParameterValue, "binary_data_output" },
        { """{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1],"parameters":{"p":[1]}}]}""", ErrorCode.InvalidParameterValue, "Input 'x' parameters" },
        { """{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]},{"name":"x","datatype":"FP32","shape":[1],"data":[2]}]}""", ErrorCode.InvalidParameterValue, "Input 'x' is given more than once" },
        { """{"inputs":[{"datatype":"FP32","shape":[1],"data":[1]}]}""", ErrorCode.InvalidParameterValue, "inputs[0].name is required" },
        { """{"inputs":[{"name":"x","shape":[1],"data":[1]}]}""", ErrorCode.InvalidParameterValue, "datatype '' is not an OIP datatype" },
        { """{"inputs":[{"name":"x","datatype":"FP32","data":[1]}]}""", ErrorCode.InvalidParameterValue, "'shape' is required" },
        { """{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}],"outputs":{"name":"y"}}""", ErrorCode.InvalidParameterValue, "'outputs' must be an array" },
        { """{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}],"outputs":[{}]}""", ErrorCode.InvalidParameterValue, "outputs[0].name is required" },
        { """{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}],"outputs":[{"name":"y","parameters":{"binary_data":true}}]}""", ErrorCode.InvalidParameterValue, "Output 'y': the binary tensor data extension (binary_data)" },
        { """{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}],"outputs":[{"name":"y","parameters":{"classification":0}}]}""", ErrorCode.InvalidParameterValue, "Output 'y': the classification extension" },
        { """{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}],"outputs":[{"name":"y","parameters":"binary"}]}""", ErrorCode.InvalidParameterValue, "Output 'y' parameters" },
    };

    [Theory]
    [MemberData(nameof(RefusedRequests))]
    public void Request_Refused(string body, string code, string fragment)
    {
        var error = Refused(body);
        Assert.Equal(400, error.StatusCode);
        Assert.Equal(code, error.ErrorCode);
        Assert.Contains(fragment, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Response_ZipMapIsBytesOfJsonStrings_Bf16AndNonFiniteAreWrittenAsTheProfileSays()
    {
        var request = Parse("""{"id":"7","inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}]}""");
        ModelValue[] outputs =
        [
            new MapSequence("output_probability", [new Dictionary<string, double> { ["setosa"] = 0.75, ["virginica"] = 0.25 }, new Dictionary<string, double> { ["setosa"] = 0.5, ["virginica"] = 0.5 }]),
            new Tensor("b", TensorDataType.BFloat16, [2], new[] { BFloat16Bits.FromSingle(1.5f), BFloat16Bits.FromSingle(-2f) }),
            new Tensor("f", TensorDataType.Float32, [3], new[] { float.NaN, float.PositiveInfinity, 0.25f }),
            new Tensor("h", TensorDataType.Float16, [1], new[] { (Half)0.5 }),
        ];
        var json = Write("iris", "iris-1", request, outputs);
        Assert.Equal("iris", json["model_name"]!.GetValue<string>());
        Assert.Equal("iris-1", json["model_version"]!.GetValue<string>());
        Assert.Equal("7", json["id"]!.GetValue<string>());
        var zip = json["outputs"]![0]!;
        Assert.Equal("BYTES", zip["datatype"]!.GetValue<string>());
        Assert.Equal([2L], zip["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        var row0 = JsonNode.Parse(zip["data"]![0]!.GetValue<string>())!;
        Assert.Equal(0.75, row0["setosa"]!.GetValue<double>());
        Assert.Equal(0.25, row0["virginica"]!.GetValue<double>());
        Assert.Equal("BF16", json["outputs"]![1]!["datatype"]!.GetValue<string>());
        Assert.Equal([1.5, -2.0], json["outputs"]![1]!["data"]!.AsArray().Select(v => v!.GetValue<double>()));
        Assert.Equal("""["NaN","Infinity",0.25]""", json["outputs"]![2]!["data"]!.ToJsonString());
        Assert.Equal("FP16", json["outputs"]![3]!["datatype"]!.GetValue<string>());
        Assert.Equal(0.5, json["outputs"]![3]!["data"]![0]!.GetValue<double>());
        Assert.Null(json["parameters"]);

        var anonymous = Write("iris", null, Parse("""{"inputs":[{"name":"x","datatype":"FP32","shape":[1],"data":[1]}]}"""), []);
        Assert.False(anonymous.AsObject().ContainsKey("id"));
        Assert.False(anonymous.AsObject().ContainsKey("model_version"));
    }

    // ---------------------------------------------------------------------------------------------------------------

    /// <summary>Loads a corpus body: a file under tests/testdata/oip, or "file#a/b" for a member of one.</summary>
    internal static JsonNode Load(string source)
    {
        var parts = source.Split('#');
        var node = JsonNode.Parse(File.ReadAllText(TestData.PathOf(["oip", .. parts[0].Split('/')])))!;
        if (parts.Length == 1)
        {
            return node;
        }

        foreach (var member in parts[1].Split('/'))
        {
            node = node[member]!;
        }

        return node["datatype"] is null ? node.DeepClone() : new JsonObject { ["inputs"] = new JsonArray(node.DeepClone()) };
    }

    private static OipCodec.Request Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        return OipCodec.Parse(doc.RootElement);
    }

    private static ModelplaneException Refused(string json) => Assert.Throws<ModelplaneException>(() => Parse(json));

    private static JsonNode Write(string model, string? version, OipCodec.Request request, IReadOnlyList<ModelValue> outputs)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            OipCodec.WriteResponse(writer, model, version, request, outputs);
        }

        return JsonNode.Parse(stream.ToArray())!;
    }

    private static List<JsonNode?> Flatten(JsonNode data)
    {
        if (data is not JsonArray array)
        {
            return [data];
        }

        return [.. array.SelectMany(item => item is JsonArray ? Flatten(item) : [item])];
    }

    /// <summary>What a JSON element of the corpus must become, per datatype (the corpus uses these types only).</summary>
    private static object Expected(JsonNode element, TensorDataType type) => type switch
    {
        TensorDataType.Float32 => (float)element.GetValue<double>(),
        TensorDataType.Float64 => element.GetValue<double>(),
        TensorDataType.Int64 => element.GetValue<long>(),
        TensorDataType.Int32 => element.GetValue<int>(),
        TensorDataType.UInt32 => element.GetValue<uint>(),
        TensorDataType.Bool => element.GetValue<bool>(),
        TensorDataType.String => element.GetValue<string>(),
        _ => throw new InvalidOperationException($"The corpus has no {type} tensors; add a conversion."),
    };
}
