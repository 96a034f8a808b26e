using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Modelplane.Testing;

namespace Modelplane.Server.Tests;
/// <summary>
/// docs/oip-profile.md over HTTP: the OIP routes against the real Iris endpoint (<c>iris</c>, served entity <c>iris-1</c>).
/// </summary>
public sealed class OipHttpTests(IrisNodeFixture iris) : IClassFixture<IrisNodeFixture>
{
    private const string Infer = "/v2/models/iris/infer";
    private static readonly string[] IrisInputs = ["sepal_length", "sepal_width", "petal_length", "petal_width"];
    private static readonly double[][] TwoFlowers = [[5.1, 3.5, 1.4, 0.2], [6.3, 3.3, 6.0, 2.5]];
    private NodeFixture Node => iris.Node;

    // ---------------------------------------------------------------------------------------------------------------
    // Over HTTP, against the Iris endpoint.

    [Theory]
    [InlineData("/v2/health/live")]
    [InlineData("/v2/health/ready")]
    public async Task Health_AnswersWithoutAToken_StatusAndJsonBoth(string path)
    {
        var response = await Node.Anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.True(body["live"]!.GetValue<bool>());
        Assert.True(body["ready"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ServerMetadata_NamesModelplane_ListsNoExtensions_AndNeedsAToken()
    {
        var body = (await Node.Client.GetFromJsonAsync<JsonObject>("/v2"))!;
        Assert.Equal("modelplane", body["name"]!.GetValue<string>());
        Assert.Matches(@"^\d+\.\d+\.\d+$", body["version"]!.GetValue<string>());
        Assert.Empty(body["extensions"]!.AsArray());

        var anonymous = await Node.Anonymous.GetAsync("/v2");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("UNAUTHENTICATED", JsonNode.Parse(await anonymous.Content.ReadAsStringAsync())!["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("/v2/models/iris")]
    [InlineData("/v2/models/iris/versions/iris-1")]
    public async Task ModelMetadata_DescribesTheServedGraph(string path)
    {
        var body = (await Node.Client.GetFromJsonAsync<JsonObject>(path))!;
        Assert.Equal("iris", body["name"]!.GetValue<string>());
        Assert.Equal(["iris-1"], body["versions"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal("onnxruntime_onnx", body["platform"]!.GetValue<string>());
        var inputs = body["inputs"]!.AsArray();
        Assert.Equal(IrisInputs, inputs.Select(i => i!["name"]!.GetValue<string>()));
        Assert.All(inputs, i =>
        {
            Assert.Equal("FP32", i!["datatype"]!.GetValue<string>());
            Assert.Equal("[-1,1]", i["shape"]!.ToJsonString());
        });
        var outputs = body["outputs"]!.AsArray().ToDictionary(o => o!["name"]!.GetValue<string>(), o => o!);
        Assert.Equal(["species", "probabilities"], outputs.Keys);
        Assert.Equal("BYTES", outputs["species"]["datatype"]!.GetValue<string>());
        Assert.Equal("[-1,1]", outputs["species"]["shape"]!.ToJsonString());
        Assert.Equal("FP32", outputs["probabilities"]["datatype"]!.GetValue<string>());
        Assert.Equal("[-1,3]", outputs["probabilities"]["shape"]!.ToJsonString());
    }

    [Theory]
    [InlineData("/v2/models/iris/ready", HttpStatusCode.OK, true)]
    [InlineData("/v2/models/iris/versions/iris-1/ready", HttpStatusCode.OK, true)]
    [InlineData("/v2/models/iris/versions/iris-9/ready", HttpStatusCode.NotFound, false)]
    public async Task ModelReady_AnswersStatusAndNameReady(string path, HttpStatusCode status, bool ready)
    {
        var response = await Node.Client.GetAsync(path);
        Assert.Equal(status, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("iris", body["name"]!.GetValue<string>());
        Assert.Equal(ready, body["ready"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("GET", "/v2/models/nope")]
    [InlineData("GET", "/v2/models/nope/ready")]
    [InlineData("POST", "/v2/models/nope/infer")]
    [InlineData("GET", "/v2/models/iris/versions/iris-9")]
    [InlineData("POST", "/v2/models/iris/versions/iris-9/infer")]
    public async Task UnknownModelOrVersion_Is404_InTheOipErrorShape(string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "POST")
        {
            request.Content = new StringContent(IrisRequest(TwoFlowers, nested: false), Encoding.UTF8, "application/json");
        }

        var response = await Node.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(["error", "code"], body.Select(p => p.Key));
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", body["code"]!.GetValue<string>());
        Assert.Contains(path.Contains("iris-9", StringComparison.Ordinal) ? "iris-9" : "nope", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Infer_FlatOrNested_ClassifiesTheFlowers(bool nested)
    {
        var (status, body, response) = await Node.PostAsync(Infer, IrisRequest(TwoFlowers, nested));
        Assert.True(status == HttpStatusCode.OK, body?.ToJsonString());
        Assert.Equal("iris", body!["model_name"]!.GetValue<string>());
        Assert.Equal("iris-1", body["model_version"]!.GetValue<string>());
        Assert.Equal("iris-1", response.Headers.GetValues("served-model-name").Single());
        Assert.False(body.AsObject().ContainsKey("id"));
        var outputs = body["outputs"]!.AsArray().ToDictionary(o => o!["name"]!.GetValue<string>(), o => o!);
        Assert.Equal(["species", "probabilities"], outputs.Keys);
        Assert.Equal("BYTES", outputs["species"]["datatype"]!.GetValue<string>());
        Assert.Equal("[2,1]", outputs["species"]["shape"]!.ToJsonString());
        Assert.Equal("""["Iris-setosa","Iris-virginica"]""", outputs["species"]["data"]!.ToJsonString());
        Assert.Equal("FP32", outputs["probabilities"]["datatype"]!.GetValue<string>());
        Assert.Equal("[2,3]", outputs["probabilities"]["shape"]!.ToJsonString());
        var p = outputs["probabilities"]["data"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.Equal(6, p.Length);
        Assert.Equal(1.0, p[0] + p[1] + p[2], 3);
        Assert.True(p[0] > 0.5, "setosa row");
        Assert.True(p[5] > 0.5, "virginica row");
    }

    [Fact]
    public async Task Infer_ThroughTheVersionPath_EchoesTheId()
    {
        var (status, body, _) = await Node.PostAsync("/v2/models/iris/versions/iris-1/infer", IrisRequest(TwoFlowers, nested: false, id: "req-42"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("req-42", body!["id"]!.GetValue<string>());
        Assert.Equal("iris-1", body["model_version"]!.GetValue<string>());
    }

    [Fact]
    public async Task Infer_OutputsSelection_ReturnsOnlyThatOutput()
    {
        var (status, body, _) = await Node.PostAsync(Infer, IrisRequest(TwoFlowers, nested: false, outputs: """[{"name":"probabilities","parameters":{"binary_data":false}}]"""));
        Assert.Equal(HttpStatusCode.OK, status);
        var output = Assert.Single(body!["outputs"]!.AsArray());
        Assert.Equal("probabilities", output!["name"]!.GetValue<string>());
        Assert.Equal(6, output["data"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("""[{"name":"label"}]""", "Unknown output 'label'")]
    [InlineData("""[{"name":"species"},{"name":"species"}]""", "'species' is asked for more than once")]
    [InlineData("[]", "At least one output")]
    [InlineData("""[{"name":"species","parameters":{"binary_data":true}}]""", "binary_data")]
    [InlineData("""[{"name":"probabilities","parameters":{"classification":2}}]""", "classification")]
    public async Task Infer_BadOutputsSelection_Is400(string outputs, string fragment)
    {
        var (status, body, _) = await Node.PostAsync(Infer, IrisRequest(TwoFlowers, nested: false, outputs: outputs));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", body!["code"]!.GetValue<string>());
        Assert.Contains(fragment, body["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_SpecErrorCases_HaveTheSpecsStatuses()
    {
        var errors = OipProfileTests.Load("spec_examples.json#errors").AsObject();

        // shape_data_mismatch: Iris input declaring 2 rows with 1 value.
        var mismatch = IrisRequest(TwoFlowers, nested: false).Replace("\"data\":[5.1,6.3]", "\"data\":[5.1]", StringComparison.Ordinal);
        var (status, body, _) = await Node.PostAsync(Infer, mismatch);
        Assert.Equal(errors["shape_data_mismatch"]!.GetValue<int>(), (int)status);
        Assert.Contains("Input 'sepal_length'", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        (status, body, _) = await Node.PostAsync("/v2/models/mymodel/infer", IrisRequest(TwoFlowers, nested: false));
        Assert.Equal(errors["unknown_model"]!.GetValue<int>(), (int)status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", body!["code"]!.GetValue<string>());

        var unknownInput = IrisRequest(TwoFlowers, nested: false).Replace("\"petal_width\"", "\"petal_wdith\"", StringComparison.Ordinal);
        (status, body, _) = await Node.PostAsync(Infer, unknownInput);
        Assert.Equal(errors["unknown_input_name"]!.GetValue<int>(), (int)status);
        Assert.Contains("petal_wdith", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        var badDatatype = File.ReadAllText(TestData.PathOf("oip", "mlserver-testdata", "inference-request-invalid-datatype.json"));
        (status, body, _) = await Node.PostAsync(Infer, badDatatype);
        Assert.Equal(errors["bad_datatype"]!["status"]!.GetValue<int>(), (int)status);
        Assert.Contains("INT322", body!["error"]!.GetValue<string>(), StringComparison.Ordinal);

        // error_body: {"error": "<message>"}; Modelplane adds "code" and nothing else.
        Assert.True(errors["error_body"]!.AsObject().ContainsKey("error"));
        Assert.Equal(["error", "code"], body.AsObject().Select(p => p.Key));
    }

    [Fact]
    public async Task Infer_DatatypeMustEqualTheModelInputs()
    {
        var fp64 = IrisRequest(TwoFlowers, nested: false).Replace("\"FP32\"", "\"FP64\"", StringComparison.Ordinal);
        var (status, body, _) = await Node.PostAsync(Infer, fp64);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", body!["code"]!.GetValue<string>());
        Assert.Contains("datatype FP64 does not match the model's FP32", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_BinaryDataHeader_IsRefusedWithAClearMessage()
    {
        var json = IrisRequest(TwoFlowers, nested: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, Infer)
        {
            Content = new ByteArrayContent([.. Encoding.UTF8.GetBytes(json), 1, 2, 3, 4]),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Add("Inference-Header-Content-Length", Encoding.UTF8.GetByteCount(json).ToString(System.Globalization.CultureInfo.InvariantCulture));
        var response = await Node.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal("INVALID_PARAMETER_VALUE", body["code"]!.GetValue<string>());
        Assert.Contains("Inference-Header-Content-Length", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_NonJsonMediaType_Is415_InTheOipShape()
    {
        // The binary extension's own media type: refused before the body is read.
        using var content = new ByteArrayContent(new byte[16]);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        var response = await Node.Client.PostAsync(Infer, content);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        Assert.Equal(["error", "code"], body.Select(p => p.Key));
        Assert.Contains("application/octet-stream", body["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Infer_NotJson_Is400BadRequest_NeverA500()
    {
        foreach (var text in new[] { "", " ", "\0", "{\"inputs\": [NaN]}", "not json" })
        {
            var (status, body, _) = await Node.PostAsync(Infer, text);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Equal("BAD_REQUEST", body!["code"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task TwoEntities_VersionsListsBoth_AndTheVersionPathPicksOne()
    {
        var create = await Node.Client.PostAsJsonAsync("/api/2.0/serving-endpoints", new
        {
            name = "iris-ab",
            config = new
            {
                served_entities = new[]
                {
                    new { name = "blue", entity_name = "main.default.iris", entity_version = "1" },
                    new { name = "green", entity_name = "main.default.iris", entity_version = "1" },
                },
                traffic_config = new { routes = new[] { new { served_entity_name = "blue", traffic_percentage = 100 }, new { served_entity_name = "green", traffic_percentage = 0 } } },
            },
        });
        Assert.True(create.IsSuccessStatusCode, await create.Content.ReadAsStringAsync());
        Assert.Equal("READY", (await Node.WaitAsync("iris-ab"))["state"]!["ready"]!.GetValue<string>());

        var metadata = (await Node.Client.GetFromJsonAsync<JsonObject>("/v2/models/iris-ab"))!;
        Assert.Equal(["blue", "green"], metadata["versions"]!.AsArray().Select(v => v!.GetValue<string>()));

        var (_, routed, _) = await Node.PostAsync("/v2/models/iris-ab/infer", IrisRequest(TwoFlowers, nested: false));
        Assert.Equal("blue", routed!["model_version"]!.GetValue<string>());
        var (status, pinned, response) = await Node.PostAsync("/v2/models/iris-ab/versions/green/infer", IrisRequest(TwoFlowers, nested: false));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("green", pinned!["model_version"]!.GetValue<string>());
        Assert.Equal("green", response.Headers.GetValues("served-model-name").Single());
        Assert.Equal(HttpStatusCode.OK, (await Node.Client.GetAsync("/v2/models/iris-ab/versions/green/ready")).StatusCode);
    }

    private static string IrisRequest(double[][] rows, bool nested, string? id = null, string? outputs = null)
    {
        var inputs = new JsonArray();
        for (var c = 0; c < IrisInputs.Length; c++)
        {
            var column = rows.Select(r => r[c]).ToArray();
            inputs.Add(new JsonObject
            {
                ["name"] = IrisInputs[c],
                ["shape"] = new JsonArray(rows.Length, 1),
                ["datatype"] = "FP32",
                ["data"] = nested ? new JsonArray([.. column.Select(v => (JsonNode?)new JsonArray(v))]) : new JsonArray([.. column.Select(v => (JsonNode?)v)]),
            });
        }

        var request = new JsonObject { ["inputs"] = inputs };
        if (id is not null)
        {
            request["id"] = id;
        }

        if (outputs is not null)
        {
            request["outputs"] = JsonNode.Parse(outputs);
        }

        return request.ToJsonString();
    }
}
