using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Core.Serving.Payloads;
using Modelplane.Testing;

namespace Modelplane.Server.Tests;

/// <summary>
/// MLflow's own scoring-server cases (tests/testdata/mlflow/scoring_protocol_cases.json, restated from mlflow/mlflow
/// tests/pyfunc/test_scoring_server.py), run against the real Iris endpoint. Each case gets the status and error code
/// docs/query-profile.md gives. The cases were written for an sklearn KNN on two columns <c>a</c>, <c>b</c>, while the
/// Iris model is ONNX with four named float inputs. Where a case's body cannot fit Iris, it is sent as written and
/// refused at binding, which shows its format was understood. It is then restated for Iris, with the same format and
/// row count. A case that cannot apply to an ONNX model says why.
/// </summary>
public sealed class ScoringProtocolTests(IrisNodeFixture iris) : IClassFixture<IrisNodeFixture>
{
    private const string Path = "/serving-endpoints/iris/invocations";
    private const string Columns = "\"sepal_length\",\"sepal_width\",\"petal_length\",\"petal_width\"";
    private const string IrisSplit = $$$"""{"dataframe_split":{"columns":[{{{Columns}}}],"data":[[5.1,3.5,1.4,0.2],[6.3,3.3,6.0,2.5]]}}""";
    private static readonly Lazy<JsonObject> Cases = new(() =>
        JsonNode.Parse(System.IO.File.ReadAllText(TestData.PathOf("mlflow", "scoring_protocol_cases.json")))!.AsObject());

    private NodeFixture Node => iris.Node;

    // ---------------------------------------------------------------------------------------------------------------
    // accepted_formats

    /// <summary>
    /// Each accepted format restated for Iris: endpoint, content type, body, and the rows the answer must hold (null for
    /// the dict-of-columns answer of <c>inputs</c>). <c>instances_tf_serving_rows</c> sends unnamed rows, which bind only
    /// to a model with one input (MLflow's onnx flavor behaves the same way). It therefore goes to a one-input ONNX model
    /// (<c>vectors</c>, input_vectors float32 [-1,10]) rather than Iris.
    /// </summary>
    private static readonly Dictionary<string, (string Endpoint, string ContentType, string Body, int? Rows)> Restated = new()
    {
        ["dataframe_split"] = ("iris", "application/json", $$$"""{"dataframe_split":{"columns":[{{{Columns}}}],"index":[0,1],"data":[[5.1,3.5,1.4,0.2],[6.3,3.3,6.0,2.5]]}}""", 2),
        ["dataframe_records"] = ("iris", "application/json", """{"dataframe_records":[{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2},{"sepal_length":6.3,"sepal_width":3.3,"petal_length":6.0,"petal_width":2.5}]}""", 2),
        ["instances_tf_serving_rows"] = ("vectors", "application/json", """{"instances":[[5.1,3.5,1.4,0.2,1,2,3,4,5,6],[4.9,3.0,1.4,0.2,1,2,3,4,5,6]]}""", 2),
        ["instances_named_rows"] = ("iris", "application/json", """{"instances":[{"sepal_length":[5.1],"sepal_width":[3.5],"petal_length":[1.4],"petal_width":[0.2]}]}""", 1),
        ["inputs_tf_serving_columns"] = ("iris", "application/json", """{"inputs":{"sepal_length":[[5.1]],"sepal_width":[[3.5]],"petal_length":[[1.4]],"petal_width":[[0.2]]}}""", null),
        ["with_params"] = ("iris", "application/json", $$$"""{"dataframe_split":{"columns":[{{{Columns}}}],"data":[[5.1,3.5,1.4,0.2]]},"params":{"param1":"2023-07-01"}}""", 1),
        ["csv"] = ("iris", "text/csv", "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.3,3.3,6.0,2.5\n", 2),
    };

    public static TheoryData<string> AcceptedFormats() => [.. Cases.Value["accepted_formats"]!.AsObject().Select(p => p.Key)];

    [Fact]
    public void EveryAcceptedFormat_IsRestated()
    {
        Assert.Equal(Cases.Value["accepted_formats"]!.AsObject().Select(p => p.Key).Order(), Restated.Keys.Order());
    }

    [Theory]
    [MemberData(nameof(AcceptedFormats))]
    public async Task AcceptedFormat_AsWritten_IsUnderstood_AndRefusedOnlyBecauseIrisHasOtherInputs(string format)
    {
        var @case = Cases.Value["accepted_formats"]![format]!;
        var (contentType, body) = @case["content_type"] is { } ct
            ? (ct.GetValue<string>(), @case["body"]!.GetValue<string>())
            : ("application/json", @case.ToJsonString());
        var (status, json, _) = await Node.PostAsync(Path, body, contentType);

        // INVALID_PARAMETER_VALUE, not BAD_REQUEST: the body is the protocol, but its columns are not Iris's.
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", json!["error_code"]!.GetValue<string>());
        var expected = format switch
        {
            "instances_tf_serving_rows" => "An unnamed tensor was given but the model has 4 inputs",
            "inputs_tf_serving_columns" => "Unknown input 'a'",
            _ => "Missing required column 'sepal_length'",
        };
        Assert.Contains(expected, json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AcceptedFormats))]
    public async Task AcceptedFormat_RestatedForTheModel_Answers200_InTheCasesResponseShape(string format)
    {
        var (endpoint, contentType, body, rows) = Restated[format];
        if (endpoint == "vectors")
        {
            await EnsureVectorsEndpointAsync();
        }

        var (status, json, response) = await Node.PostAsync($"/serving-endpoints/{endpoint}/invocations", body, contentType);
        Assert.True(status == HttpStatusCode.OK, $"{format}: {(int)status} {json}");
        Assert.Equal("application/json", response.Content.Headers.ContentType!.MediaType);
        Assert.False(string.IsNullOrEmpty(response.Headers.GetValues("served-model-name").Single()));
        var predictions = json!["predictions"]!;
        if (rows is null)
        {
            // response_shape "dict of columns": each output nested by its full shape.
            Assert.Equal("Iris-setosa", predictions["species"]![0]![0]!.GetValue<string>());
            Assert.Equal(3, predictions["probabilities"]![0]!.AsArray().Count);
            return;
        }

        // response_shape "list, one entry per row".
        var records = predictions.AsArray();
        Assert.Equal(rows, records.Count);
        if (endpoint == "iris")
        {
            Assert.Equal("Iris-setosa", records[0]!["species"]!.GetValue<string>());
            Assert.Equal(3, records[0]!["probabilities"]!.AsArray().Count);
        }
        else
        {
            Assert.All(records, r => Assert.Equal(JsonValueKind.Number, r!["output_scalars"]!.GetValueKind()));
        }
    }

    // ---------------------------------------------------------------------------------------------------------------
    // content_type_cases

    public static TheoryData<int> ContentTypeCases() => [.. Enumerable.Range(0, Cases.Value["content_type_cases"]!.AsArray().Count)];

    [Theory]
    [MemberData(nameof(ContentTypeCases))]
    public async Task ContentTypeCase(int index)
    {
        var @case = Cases.Value["content_type_cases"]![index]!;
        var contentType = @case["content_type"]!.GetValue<string>();
        var body = @case["body"]?.GetValue<string>() ?? IrisSplit;
        var expected = @case["status"]!.GetValue<int>();

        // Difference from MLflow, kept visible: MLflow answers 415 to a media-type parameter other than charset;
        // Modelplane ignores the parameter (docs/query-profile.md, "Content types").
        if (contentType == "application/json; something=something")
        {
            Assert.Equal(415, expected);
            expected = 200;
        }

        var (status, json) = await SendRawAsync(body, contentType);
        Assert.True((int)status == expected, $"{contentType}: {(int)status} {json}");
        if (expected != 200)
        {
            // 415 and the empty CSV's 400 are both the body's form, not its fit: BAD_REQUEST.
            Assert.Equal("BAD_REQUEST", json!["error_code"]!.GetValue<string>());
            Assert.False(json.AsObject().ContainsKey("stack_trace"));
        }
        else
        {
            Assert.Equal(2, json!["predictions"]!.AsArray().Count);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json; charset=utf8")]
    [InlineData("Application/JSON")]
    public async Task Json_WithoutContentType_OrOtherSpellings_IsRead(string? contentType)
    {
        var (status, json) = await SendRawAsync(IrisSplit, contentType);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, json!["predictions"]!.AsArray().Count);
    }

    [Theory]
    [InlineData("text/plain", "text/plain")]
    [InlineData("application/x-www-form-urlencoded", "application/x-www-form-urlencoded")]
    [InlineData("text/csv; charset=latin1", "latin1")]
    public async Task OtherMediaTypesAndCharsets_Are415(string contentType, string named)
    {
        var (status, json) = await SendRawAsync(IrisSplit, contentType);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, status);
        Assert.Equal("BAD_REQUEST", json!["error_code"]!.GetValue<string>());
        Assert.Contains(named, json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // bad_request_cases

    /// <summary>Per case of the file, in order: the error code and a fragment of the message.</summary>
    private static readonly (string Code, string Fragment)[] BadRequestExpectations =
    [
        (ErrorCode.BadRequest, "not valid JSON"),
        (ErrorCode.BadRequest, "exactly one of the fields"),
        (ErrorCode.BadRequest, "exactly one of the fields"),
        (ErrorCode.BadRequest, "exactly one of the fields"),
        (ErrorCode.BadRequest, "exactly one of the fields"),
        (ErrorCode.BadRequest, "exactly one of the fields"),
        (ErrorCode.BadRequest, "'dataframe_split' must be an object"),
        (ErrorCode.BadRequest, "'dataframe_records' must be an array of row objects"),
        // index [1,2] for three rows: Modelplane ignores 'index'. The body is refused because its unnamed column "0"
        // is not an Iris column. MLflow refuses it for the index length.
        (ErrorCode.InvalidParameterValue, "Missing required column 'sepal_length'"),
        // columns [0]: ONNX inputs are named by strings, so numeric column names are the body's form at fault.
        // The case's own point (too few columns) is restated for Iris in TooFewColumns_IsRefusedNamingTheMissingOne.
        (ErrorCode.BadRequest, "'dataframe_split.columns' must be an array of column names"),
    ];

    public static TheoryData<int> BadRequestCases() => [.. Enumerable.Range(0, Cases.Value["bad_request_cases"]!.AsArray().Count)];

    [Fact]
    public void EveryBadRequestCase_HasAnExpectation()
    {
        Assert.Equal(BadRequestExpectations.Length, Cases.Value["bad_request_cases"]!.AsArray().Count);
    }

    [Theory]
    [MemberData(nameof(BadRequestCases))]
    public async Task BadRequestCase(int index)
    {
        var @case = Cases.Value["bad_request_cases"]![index]!;
        var body = @case["body_raw"]?.GetValue<string>() ?? @case["body"]!.ToJsonString();
        var (code, fragment) = BadRequestExpectations[index];
        var (status, json, _) = await Node.PostAsync(Path, body);
        Assert.Equal(@case["status"]!.GetValue<int>(), (int)status);
        Assert.Equal(code, json!["error_code"]!.GetValue<string>());
        Assert.Contains(fragment, json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.False(json.AsObject().ContainsKey("stack_trace"));
    }

    [Fact]
    public async Task TooFewColumns_IsRefusedNamingTheMissingOne()
    {
        var (status, json, _) = await Node.PostAsync(Path, """{"dataframe_split":{"columns":["sepal_length"],"data":[[0],[1],[2],[3],[4],[5],[6],[7],[8],[9]]}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", json!["error_code"]!.GetValue<string>());
        Assert.Contains("Missing required column 'sepal_width'", json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // params_cases

    public static TheoryData<int> ParamsCases() => [.. Enumerable.Range(0, Cases.Value["params_cases"]!.AsArray().Count)];

    [Theory]
    [MemberData(nameof(ParamsCases))]
    public async Task ParamsCase_IrisDeclaresNoParams_SoEveryParamIsIgnored(int index)
    {
        // The cases assume a ParamSchema declaring param1 as a datetime. Iris is ONNX and its signature has
        // params: null, so every request param is outside the schema. MLflow ignores such params ("params not in the
        // ParamSchema are ignored") and so does Modelplane: all three answer 200 here. The case expecting 400 for an
        // invalid datetime needs a declared datetime param, which an ONNX model does not have.
        var @case = Cases.Value["params_cases"]![index]!;
        var request = JsonNode.Parse(IrisSplit)!.AsObject();
        if (@case["request_params"] is JsonObject parameters)
        {
            request["params"] = parameters.DeepClone();
        }

        var (status, json, _) = await Node.PostAsync(Path, request.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, json!["predictions"]!.AsArray().Count);
    }

    [Fact]
    public async Task Params_ThatIsNotAnObject_Is400()
    {
        var request = JsonNode.Parse(IrisSplit)!.AsObject();
        request["params"] = new JsonArray("2023-07-01");
        var (status, json, _) = await Node.PostAsync(Path, request.ToJsonString());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", json!["error_code"]!.GetValue<string>());
        Assert.Contains("'params' must be a JSON object", json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // type_inference_cases. Modelplane infers no dtypes. Every value is converted to the datatype of the ONNX input it
    // feeds (docs/query-profile.md, "Element conversion"). Iris has only float32 inputs, so the integer, string and
    // boolean columns of these cases are checked against the converter /invocations uses (JsonScalars, reached through
    // InputBinder) for those datatypes. The float rules are checked over HTTP.

    public static TheoryData<int, string> InferenceCaseColumns()
    {
        var data = new TheoryData<int, string>();
        var cases = Cases.Value["type_inference_cases"]!.AsArray();
        for (var i = 0; i < cases.Count; i++)
        {
            var columns = cases[i]!["expect_dtypes"]?.AsObject().Select(p => p.Key) ?? cases[i]!["signature"]!.AsObject().Select(p => p.Key);
            foreach (var column in columns)
            {
                data.Add(i, column);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(InferenceCaseColumns))]
    public void TypeInferenceCase_EachValue_FitsItsColumnsType_OrIsRefused(int index, string column)
    {
        var @case = Cases.Value["type_inference_cases"]![index]!;
        var type = @case["expect_dtypes"] is { } dtypes
            ? TensorDataTypes.FromMlflowName(dtypes[column]!.GetValue<string>().Split(' ')[0])!.Value
            : TensorDataTypes.FromMlflowName(@case["signature"]![column]!.GetValue<string>())!.Value;
        foreach (var value in Values(@case["body"]!, column))
        {
            var element = JsonSerializer.SerializeToElement(value);
            var converted = Try(() => JsonScalars.Convert(element, type, $"Column '{column}'"));

            // expect_dtypes cases: every value is of the expected type and keeps its value ("95120" stays a string).
            // The signature case: our_expected_behaviour is 400 for int32 overflow, non-integers, non-booleans and
            // non-strings. Only the float column fits (float32 rounding is the documented float rule).
            var mustFit = @case["expect_dtypes"] is not null || type == TensorDataType.Float32;
            if (mustFit)
            {
                Assert.True(converted.Value is not null, $"{column} {value}: {converted.Error?.Message}");
                Assert.Equal(value!.GetValueKind() == JsonValueKind.String, type == TensorDataType.String);
                if (type == TensorDataType.String)
                {
                    Assert.Equal(value.GetValue<string>(), converted.Value);
                }
            }
            else
            {
                Assert.True(converted.Error is not null, $"{column} {value} was accepted as {converted.Value}");
                Assert.Equal(400, converted.Error.StatusCode);
                Assert.Equal(ErrorCode.InvalidParameterValue, converted.Error.ErrorCode);
                Assert.Contains($"Column '{column}'", converted.Error.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void ZipCode_AsAString_IsNeverTakenForANumber()
    {
        // The first case's point: "95120" must not become an integer. JSON strings are never parsed as numbers.
        var zip = JsonSerializer.SerializeToElement("95120");
        var error = Assert.Throws<ModelplaneException>(() => JsonScalars.Convert(zip, TensorDataType.Int64, "Column 'zip'"));
        Assert.Contains("not a valid int64", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"5.1\"", "value \"5.1\" is not a valid float32")]
    [InlineData("true", "got true")]
    [InlineData("\"some arbitrary string\"", "some arbitrary string")]
    [InlineData("null", "got null")]
    [InlineData("1e39", "out of range for float32")]
    public async Task FloatColumn_RefusesWhatIsNotAFloat(string cell, string fragment)
    {
        var (status, json, _) = await Node.PostAsync(Path, $$$"""{"dataframe_split":{"columns":[{{{Columns}}}],"data":[[{{{cell}}},3.5,1.4,0.2]]}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", json!["error_code"]!.GetValue<string>());
        Assert.Contains("sepal_length", json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains(fragment, json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FloatColumn_TakesIntegersAndLargeIntegralDoubles()
    {
        // 2 and 2.5 both go into float32; 9007199254740992.0 (from the signature case) rounds to float32.
        var (status, json, _) = await Node.PostAsync(Path, $$$"""{"dataframe_split":{"columns":[{{{Columns}}}],"data":[[2,2.5,9007199254740992.0,0]]}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(json!["predictions"]!.AsArray());
    }

    // ---------------------------------------------------------------------------------------------------------------
    // llm_pyfunc_cases: an unwrapped LLM body (messages + params at the top level) is for LLM pyfuncs, which Modelplane
    // serves through the OpenAI-compatible routes, never through an ONNX model. Against Iris each gets the
    // "exactly one of the fields" 400.

    public static TheoryData<int> LlmCases() => [.. Enumerable.Range(0, Cases.Value["llm_pyfunc_cases"]!.AsArray().Count)];

    [Theory]
    [MemberData(nameof(LlmCases))]
    public async Task LlmPyfuncCase_OnAnOnnxEndpoint_IsABadRequest(int index)
    {
        var body = Cases.Value["llm_pyfunc_cases"]![index]!["body"]!.ToJsonString();
        var (status, json, _) = await Node.PostAsync(Path, body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("BAD_REQUEST", json!["error_code"]!.GetValue<string>());
        Assert.Contains("exactly one of the fields", json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Profile rules the file does not state.

    [Fact]
    public async Task Csv_QuotedFields_NaN_AndExponents_AreRead()
    {
        var (status, json, _) = await Node.PostAsync(Path, "\"sepal_length\",\"sepal_width\",petal_length,petal_width\n\"5.1\",3.5,1.4e0,0.2\nNaN,3.3,6.0,Infinity\n", "text/csv");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, json!["predictions"]!.AsArray().Count);
        Assert.Equal("Iris-setosa", json["predictions"]![0]!["species"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("5.1,,1.4,0.2", "INVALID_PARAMETER_VALUE", "sepal_width")]
    [InlineData("5.1,abc,1.4,0.2", "INVALID_PARAMETER_VALUE", "sepal_width")]
    [InlineData("5.1,3.5,1.4", "BAD_REQUEST", "CSV row 1 has 3 fields")]
    public async Task Csv_BadCells_AreRefused(string row, string code, string fragment)
    {
        var (status, json, _) = await Node.PostAsync(Path, "sepal_length,sepal_width,petal_length,petal_width\n" + row + "\n", "text/csv");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(code, json!["error_code"]!.GetValue<string>());
        Assert.Contains(fragment, json["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NonFiniteOutputs_AreWrittenAsStrings()
    {
        var (status, json, _) = await Node.PostAsync(Path, $$$"""{"dataframe_split":{"columns":[{{{Columns}}}],"data":[["NaN","NaN","NaN","NaN"]]}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var probabilities = json!["predictions"]![0]!["probabilities"]!.AsArray();
        Assert.All(probabilities, p => Assert.Equal("NaN", p!.GetValue<string>()));
    }

    [Fact]
    public async Task RequestId_FromTheClient_IsEchoed()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent(IrisSplit, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-request-id", "client-req.42");
        var response = await Node.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("client-req.42", response.Headers.GetValues("x-request-id").Single());
        Assert.Equal("iris-1", response.Headers.GetValues("served-model-name").Single());
    }

    [Fact]
    public async Task RequestId_IsAnsweredOnErrorsToo()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new StringContent("{\"dataframe_split\": 1}", Encoding.UTF8, "application/json") };
        request.Headers.Add("x-request-id", "client-req.400");
        var response = await Node.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("client-req.400", response.Headers.GetValues("x-request-id").Single());
    }

    // ---------------------------------------------------------------------------------------------------------------

    private async Task<(HttpStatusCode Status, JsonNode? Body)> SendRawAsync(string body, string? contentType)
    {
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
        {
            Assert.True(content.Headers.TryAddWithoutValidation("Content-Type", contentType));
        }

        var response = await Node.Client.PostAsync(Path, content);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text));
    }

    /// <summary>Serves the one-input dynamic-axes ONNX model (tests/testdata/mlflow/onnx-dynamic-axes) as <c>vectors</c>, once.</summary>
    private async Task EnsureVectorsEndpointAsync()
    {
        if ((await Node.Client.GetAsync("/api/2.0/serving-endpoints/vectors")).StatusCode == HttpStatusCode.NotFound)
        {
            await Node.RegisterAsync("main.default.vectors", TestData.PathOf("mlflow", "onnx-dynamic-axes"));
            var endpoint = await Node.ServeAsync("vectors", "main.default.vectors");
            Assert.Equal("READY", endpoint["state"]!["ready"]!.GetValue<string>());
        }
    }

    /// <summary>A column's values from a dataframe_records or dataframe_split body.</summary>
    private static IEnumerable<JsonNode?> Values(JsonNode body, string column)
    {
        if (body["dataframe_records"] is JsonArray records)
        {
            return records.Select(r => r![column]);
        }

        var split = body["dataframe_split"]!;
        var at = split["columns"]!.AsArray().Select(c => c!.GetValue<string>()).ToList().IndexOf(column);
        return split["data"]!.AsArray().Select(row => row![at]);
    }

    private static (object? Value, ModelplaneException? Error) Try(Func<object> convert)
    {
        try
        {
            return (convert(), null);
        }
        catch (ModelplaneException ex)
        {
            return (null, ex);
        }
    }
}
