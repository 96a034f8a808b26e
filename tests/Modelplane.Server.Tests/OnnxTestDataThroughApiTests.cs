using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Runtimes.Onnx.Proto;
using Modelplane.Testing;
using Modelplane.Testing.Onnx;

namespace Modelplane.Server.Tests;

/// <summary>
/// Every ONNX test case (<see cref="OnnxTestCases"/>: node/, simple/, models/, synthetic/) through the REST API of a real
/// node: registered as a bare <c>.onnx</c> upload, served from its own endpoint (<see cref="OnnxApiFixture"/>), queried
/// through <c>/invocations</c> (<c>inputs</c> form) and OIP v2 <c>infer</c> (on <c>/versions/{entity}</c>), every output
/// compared with upstream's expected values at the ONNX runner's tolerances. Cases with no upstream data are queried
/// with inputs made from the graph, and the two protocols must agree. Unservable cases are refused at registration.
/// </summary>
public sealed class OnnxTestDataThroughApiTests(OnnxApiFixture fx) : IClassFixture<OnnxApiFixture>
{
    /// <summary>
    /// What one of the two JSON protocols cannot carry, per case, and what is compared there instead. No case needs a
    /// single protocol: scalar inputs (shape []) travel in <c>inputs</c> as bare JSON values (node/test_cumsum_1d,
    /// test_dequantizelinear, test_loop11, test_onehot_with_axis, test_quantizelinear, test_string_concat_zero_dimensional)
    /// and empty ones as <c>[]</c>. The one gap is a shape with a dimension after a zero-length one, which nested JSON
    /// (<c>/invocations</c>) cannot write.
    /// </summary>
    public static IReadOnlyDictionary<string, string> NotCarried { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["node/test_string_split_empty_tensor"] =
            "/invocations: output 'substrings' has shape [0,0], which nested JSON writes as [] (shape [0]); compared up to the " +
            "first zero there. OIP (flat data plus shape) carries [0,0] and is compared in full.",
    };

    [Theory]
    [MemberData(nameof(OnnxTestCases.ServableNames), MemberType = typeof(OnnxTestCases))]
    public async Task ServableCase_MatchesUpstream_ThroughInvocationsAndOip(string name)
    {
        var testCase = OnnxTestCases.Get(name);
        var model = await fx.ServeAsync(testCase);
        if (model.Refusal is { } refusal)
        {
            // Registration loads the model once; where the OS lacks the locale the model needs, that is a clean 400.
            var locale = testCase.RequiredLocale ?? throw new Xunit.Sdk.XunitException($"{name} was refused: {refusal.Body}");
            AssertCleanRefusal(refusal, $"locale '{locale}'");
            await AssertNodeStillServesAsync();
            return;
        }

        var graph = OnnxBackendTestReader.ReadModel(testCase.ModelPath).Graph;
        AssertMetadata(testCase, model, graph);
        var inputs = testCase.HasExpectedOutputs ? testCase.Inputs : GeneratedInputs(graph);
        var expected = testCase.HasExpectedOutputs ? testCase.ExpectedOutputs : null;
        var oip = await InferOipAsync(model, inputs, testCase.OutputNames, graph);
        Assert.Equal(testCase.OutputNames ?? graph.Output.Select(o => o.Name).ToList(), oip.Select(o => o.Name));
        if (expected is null)
        {
            expected = oip;
        }
        else
        {
            TensorAssert.AllEqual(expected, oip);
        }

        await InvokeAndCompareAsync(model, inputs, expected, graph, NotCarried.ContainsKey(name));
    }

    [Theory]
    [MemberData(nameof(OnnxTestCases.UnservableNames), MemberType = typeof(OnnxTestCases))]
    public async Task UnservableCase_IsRefusedAtRegistration_AndTheNodeStillServes(string name)
    {
        var fullName = "main.default." + OnnxApiFixture.ResourceName(name);
        var refusal = await fx.UploadAsync(fullName, OnnxTestCases.Get(name).ModelPath);
        AssertCleanRefusal(refusal, OnnxTestCases.Unservable[name].MessageFragment);
        using var version = await fx.Node.Client.GetAsync($"/api/2.1/unity-catalog/models/{fullName}/versions/1");
        Assert.Equal(HttpStatusCode.NotFound, version.StatusCode);
        await AssertNodeStillServesAsync();
    }

    [Fact]
    public void NotCarried_NamesExactlyTheCasesWithADimensionAfterAZeroLengthOne()
    {
        static bool AfterZero(long[] shape) => shape.SkipWhile(d => d != 0).Skip(1).Any();
        var cases = OnnxTestCases.Servable().Where(c => c.Inputs.Concat(c.ExpectedOutputs).OfType<Tensor>().Any(t => AfterZero(t.Shape)));
        Assert.Equal(NotCarried.Keys.Order(StringComparer.Ordinal), cases.Select(c => c.Name).Order(StringComparer.Ordinal));
        Assert.All(cases, c => Assert.DoesNotContain(c.Inputs, t => AfterZero(t.Shape)));
    }

    private async Task<List<ModelValue>> InferOipAsync(ServedOnnxModel model, IReadOnlyList<Tensor> inputs, IReadOnlyList<string>? outputNames, GraphProto graph)
    {
        var body = new JsonObject { ["id"] = model.Endpoint, ["inputs"] = new JsonArray([.. inputs.Select(t => (JsonNode)ApiTensorJson.OipInput(t))]) };
        if (outputNames is not null)
        {
            body["outputs"] = new JsonArray([.. outputNames.Select(n => (JsonNode)new JsonObject { ["name"] = n })]);
        }

        var (status, json, response) = await fx.Node.PostAsync($"/v2/models/{model.Endpoint}/versions/{model.Entity}/infer", body.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, $"OIP {model.Endpoint}: {(int)status} {json}");
        Assert.Equal(model.Endpoint, json!["model_name"]!.GetValue<string>());
        Assert.Equal(model.Entity, json["model_version"]!.GetValue<string>());
        Assert.Equal(model.Endpoint, json["id"]!.GetValue<string>());
        Assert.Equal(model.Entity, response.Headers.GetValues("served-model-name").Single());
        var outputs = json["outputs"]!.AsArray().Select(o => o!.AsObject()).ToList();
        foreach (var output in outputs)
        {
            // The metadata promises the datatype the answer carries.
            var declared = model.Metadata["outputs"]!.AsArray().Single(m => m!["name"]!.GetValue<string>() == output["name"]!.GetValue<string>());
            Assert.Equal(declared!["datatype"]!.GetValue<string>(), output["datatype"]!.GetValue<string>());
        }

        return [.. outputs.Select(o => ApiTensorJson.FromOip(o, IsMapSequence(graph, o["name"]!.GetValue<string>())))];
    }

    private async Task InvokeAndCompareAsync(
        ServedOnnxModel model, IReadOnlyList<Tensor> inputs, IReadOnlyList<ModelValue> expected, GraphProto graph, bool shapeUpToFirstZero = false)
    {
        var body = new JsonObject { ["inputs"] = new JsonObject(inputs.Select(t => KeyValuePair.Create(t.Name, ApiTensorJson.Nested(t)))) };
        var (status, json, response) = await fx.Node.PostAsync($"/serving-endpoints/{model.Endpoint}/invocations", body.ToJsonString());
        Assert.True(status == HttpStatusCode.OK, $"/invocations {model.Endpoint}: {(int)status} {json}");
        Assert.Equal(model.Entity, response.Headers.GetValues("served-model-name").Single());
        var predictions = json!["predictions"]!.AsObject();
        Assert.Equal(graph.Output.Select(o => o.Name).Order(StringComparer.Ordinal), predictions.Select(p => p.Key).Order(StringComparer.Ordinal));
        TensorAssert.AllEqual(expected, [.. expected.Select(e => ApiTensorJson.FromInvocations(predictions[e.Name], e, shapeUpToFirstZero))]);
    }

    /// <summary>After a refusal the node keeps serving: <c>node/test_relu</c> answers correctly through /invocations.</summary>
    private async Task AssertNodeStillServesAsync()
    {
        var relu = OnnxTestCases.Get("node/test_relu");
        var model = await fx.ServeAsync(relu);
        await InvokeAndCompareAsync(model, relu.Inputs, relu.ExpectedOutputs, OnnxBackendTestReader.ReadModel(relu.ModelPath).Graph);
    }

    private static void AssertCleanRefusal((HttpStatusCode Status, JsonObject Body) refusal, string fragment)
    {
        Assert.True(refusal.Status == HttpStatusCode.BadRequest, $"{(int)refusal.Status} {refusal.Body}");
        Assert.Equal("INVALID_PARAMETER_VALUE", refusal.Body["error_code"]!.GetValue<string>());
        var message = refusal.Body["message"]!.GetValue<string>();
        Assert.Contains(fragment, message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
        Assert.DoesNotContain("[ErrorCode:", message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestData.Root, message, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath(), message, StringComparison.Ordinal);
    }

    /// <summary>OIP metadata names the endpoint and entity, and the graph inputs upstream declares.</summary>
    private static void AssertMetadata(OnnxTestCase testCase, ServedOnnxModel model, GraphProto graph)
    {
        Assert.Equal(model.Endpoint, model.Metadata["name"]!.GetValue<string>());
        Assert.Contains(model.Entity, model.Metadata["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
        var inputs = model.Metadata["inputs"]!.AsArray().Select(i => i!.AsObject()).ToList();
        var initialized = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(graph.Input.Select(i => i.Name).Where(n => !initialized.Contains(n)), inputs.Select(i => i["name"]!.GetValue<string>()));
        Assert.Equal(graph.Output.Select(o => o.Name), model.Metadata["outputs"]!.AsArray().Select(o => o!["name"]!.GetValue<string>()));
        foreach (var spec in testCase.ExpectedSignature?.Inputs ?? [])
        {
            var actual = inputs.Single(i => i["name"]!.GetValue<string>() == spec.Name);
            var type = TensorDataTypes.FromOipName(actual["datatype"]!.GetValue<string>())!.Value;
            Assert.Equal(spec.Type, OnnxDataTypes.TensorTypeString(type));
            Assert.Equal(spec.Shape ?? [-1], actual["shape"]!.AsArray().Select(d => d!.GetValue<long>()));
        }
    }

    private static bool IsMapSequence(GraphProto graph, string output) =>
        graph.Output.Single(o => o.Name == output).Type.ValueCase == TypeProto.ValueOneofCase.SequenceType;

    /// <summary>Inputs for a case without upstream data: every graph input, symbolic dimensions as 1 (see below), small varied values.</summary>
    private static List<Tensor> GeneratedInputs(GraphProto graph)
    {
        var initialized = graph.Initializer.Select(i => i.Name).ToHashSet(StringComparer.Ordinal);

        // A symbolic feature (last) dimension gets as many features as the graph's tree ensembles read, or 1.
        var features = 1 + graph.Node.Where(n => n.OpType.StartsWith("TreeEnsemble", StringComparison.Ordinal))
            .SelectMany(n => n.Attribute).Where(a => a.Name == "nodes_featureids").SelectMany(a => a.Ints).DefaultIfEmpty(0).Max();
        return [.. graph.Input.Where(i => !initialized.Contains(i.Name)).Select(i =>
        {
            var type = OnnxDataTypes.ToDataType(i.Type.TensorType.ElemType)!.Value;
            var dims = i.Type.TensorType.Shape?.Dim.ToList() ?? [];
            long[] shape = [.. dims.Select((d, n) => d.HasDimValue ? d.DimValue : n == dims.Count - 1 && n > 0 ? features : 1L)];
            var data = Array.CreateInstance(type.ElementType(), (int)Tensor.ElementCount(shape));
            for (var n = 0; n < data.Length; n++)
            {
                data.SetValue(Sample(type, n), n);
            }

            return new Tensor(i.Name, type, shape, data);
        })];
    }

    private static object Sample(TensorDataType type, int n) => type switch
    {
        TensorDataType.String => $"s{n % 3}",
        TensorDataType.Bool => n % 2 == 0,
        TensorDataType.Float16 => (Half)(0.25 * (n % 7)),
        TensorDataType.BFloat16 => BFloat16Bits.FromSingle(0.25f * (n % 7)),
        TensorDataType.Float32 => 0.25f * (n % 7),
        TensorDataType.Float64 => 0.25 * (n % 7),
        _ => Convert.ChangeType(n % 3, type.ElementType(), System.Globalization.CultureInfo.InvariantCulture),
    };
}
