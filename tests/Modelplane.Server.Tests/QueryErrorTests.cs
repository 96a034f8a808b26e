namespace Modelplane.Server.Tests;

/// <summary>
/// Every error case of issue point 4, for each input format (the four JSON forms, CSV, OIP): status and error code
/// both, in the error shape of the protocol the request came in on.
/// </summary>
public sealed class QueryErrorTests(IrisNodeFixture iris) : IClassFixture<IrisNodeFixture>
{
    private const string Invocations = "/serving-endpoints/iris/invocations";
    private const string Infer = "/v2/models/iris/infer";
    private const string Cols4 = "\"sepal_length\",\"sepal_width\",\"petal_length\",\"petal_width\"";

    public static TheoryData<string, string, string, string, int, string, string> Cases() => new()
    {
        // case, path, content type, body, status, code, fragment of the message
        { "split missing column", Invocations, "application/json", """{"dataframe_split":{"columns":["sepal_length","sepal_width","petal_length"],"data":[[1,2,3]]}}""", 400, "INVALID_PARAMETER_VALUE", "petal_width" },
        { "records missing column", Invocations, "application/json", """{"dataframe_records":[{"sepal_length":1,"sepal_width":2,"petal_length":3}]}""", 400, "INVALID_PARAMETER_VALUE", "petal_width" },
        { "instances missing column", Invocations, "application/json", """{"instances":[{"sepal_length":1,"sepal_width":2,"petal_length":3}]}""", 400, "INVALID_PARAMETER_VALUE", "petal_width" },
        { "inputs missing input", Invocations, "application/json", """{"inputs":{"sepal_length":[[1]],"sepal_width":[[2]],"petal_length":[[3]]}}""", 400, "INVALID_PARAMETER_VALUE", "petal_width" },
        { "csv missing column", Invocations, "text/csv", "sepal_length,sepal_width,petal_length\n1,2,3\n", 400, "INVALID_PARAMETER_VALUE", "petal_width" },
        { "oip missing input", Infer, "application/json", """{"inputs":[{"name":"sepal_length","shape":[1,1],"datatype":"FP32","data":[1]}]}""", 400, "INVALID_PARAMETER_VALUE", "sepal_width" },

        { "split unknown column", Invocations, "application/json", $$$"""{"dataframe_split":{"columns":[{{{Cols4}}},"color"],"data":[[1,2,3,4,"red"]]}}""", 400, "INVALID_PARAMETER_VALUE", "color" },
        { "records unknown column", Invocations, "application/json", """{"dataframe_records":[{"sepal_length":1,"sepal_width":2,"petal_length":3,"petal_width":4,"color":"red"}]}""", 400, "INVALID_PARAMETER_VALUE", "color" },
        { "instances unknown column", Invocations, "application/json", """{"instances":[{"sepal_length":1,"sepal_width":2,"petal_length":3,"petal_width":4,"color":"red"}]}""", 400, "INVALID_PARAMETER_VALUE", "color" },
        { "inputs unknown input", Invocations, "application/json", """{"inputs":{"sepal_length":[[1]],"sepal_width":[[2]],"petal_length":[[3]],"petal_width":[[4]],"color":[["red"]]}}""", 400, "INVALID_PARAMETER_VALUE", "color" },
        { "csv unknown column", Invocations, "text/csv", "sepal_length,sepal_width,petal_length,petal_width,color\n1,2,3,4,red\n", 400, "INVALID_PARAMETER_VALUE", "color" },
        { "oip unknown input", Infer, "application/json", """{"inputs":[{"name":"color","shape":[1],"datatype":"BYTES","data":["red"]}]}""", 400, "INVALID_PARAMETER_VALUE", "color" },

        { "split wrong type", Invocations, "application/json", $$$"""{"dataframe_split":{"columns":[{{{Cols4}}}],"data":[["abc",2,3,4]]}}""", 400, "INVALID_PARAMETER_VALUE", "sepal_length" },
        { "records wrong type", Invocations, "application/json", """{"dataframe_records":[{"sepal_length":true,"sepal_width":2,"petal_length":3,"petal_width":4}]}""", 400, "INVALID_PARAMETER_VALUE", "sepal_length" },
        { "instances wrong type", Invocations, "application/json", """{"instances":[{"sepal_length":{"x":1},"sepal_width":2,"petal_length":3,"petal_width":4}]}""", 400, "INVALID_PARAMETER_VALUE", "sepal_length" },
        { "inputs wrong type", Invocations, "application/json", """{"inputs":{"sepal_length":[["a"]],"sepal_width":[[2]],"petal_length":[[3]],"petal_width":[[4]]}}""", 400, "INVALID_PARAMETER_VALUE", "sepal_length" },
        { "csv wrong type", Invocations, "text/csv", "sepal_length,sepal_width,petal_length,petal_width\nabc,2,3,4\n", 400, "INVALID_PARAMETER_VALUE", "sepal_length" },
        { "oip wrong datatype", Infer, "application/json", """{"inputs":[{"name":"sepal_length","shape":[1,1],"datatype":"INT64","data":[1]},{"name":"sepal_width","shape":[1,1],"datatype":"FP32","data":[1]},{"name":"petal_length","shape":[1,1],"datatype":"FP32","data":[1]},{"name":"petal_width","shape":[1,1],"datatype":"FP32","data":[1]}]}""", 400, "INVALID_PARAMETER_VALUE", "sepal_length" },
        { "oip element not of datatype", Infer, "application/json", """{"inputs":[{"name":"sepal_length","shape":[1,1],"datatype":"FP32","data":["x"]}]}""", 400, "INVALID_PARAMETER_VALUE", "sepal_length" },

        { "split ragged rows", Invocations, "application/json", $$$"""{"dataframe_split":{"columns":[{{{Cols4}}}],"data":[[1,2,3,4],[1,2,3]]}}""", 400, "INVALID_PARAMETER_VALUE", "data[1]" },
        { "records ragged cell", Invocations, "application/json", """{"dataframe_records":[{"sepal_length":[1,2],"sepal_width":2,"petal_length":3,"petal_width":4},{"sepal_length":[1],"sepal_width":2,"petal_length":3,"petal_width":4}]}""", 400, "INVALID_PARAMETER_VALUE", "sepal_length" },
        { "instances ragged cell", Invocations, "application/json", """{"instances":[{"sepal_length":[1,2],"sepal_width":2,"petal_length":3,"petal_width":4},{"sepal_length":3,"sepal_width":2,"petal_length":3,"petal_width":4}]}""", 400, "INVALID_PARAMETER_VALUE", "sepal_length" },
        { "inputs ragged array", Invocations, "application/json", """{"inputs":{"sepal_length":[[1],[2,3]],"sepal_width":[[2],[2]],"petal_length":[[3],[3]],"petal_width":[[4],[4]]}}""", 400, "INVALID_PARAMETER_VALUE", "ragged" },
        { "csv ragged row", Invocations, "text/csv", "sepal_length,sepal_width,petal_length,petal_width\n1,2,3\n", 400, "BAD_REQUEST", "row 1" },
        { "oip ragged nested data", Infer, "application/json", """{"inputs":[{"name":"sepal_length","shape":[2,1],"datatype":"FP32","data":[[1],[2,3]]}]}""", 400, "INVALID_PARAMETER_VALUE", "ragged" },

        { "inputs wrong rank", Invocations, "application/json", """{"inputs":{"sepal_length":[[[1]]],"sepal_width":[[2]],"petal_length":[[3]],"petal_width":[[4]]}}""", 400, "INVALID_PARAMETER_VALUE", "rank" },
        { "inputs wrong dims", Invocations, "application/json", """{"inputs":{"sepal_length":[[1,1]],"sepal_width":[[2]],"petal_length":[[3]],"petal_width":[[4]]}}""", 400, "INVALID_PARAMETER_VALUE", "dimension 1" },
        { "oip wrong rank", Infer, "application/json", """{"inputs":[{"name":"sepal_length","shape":[1],"datatype":"FP32","data":[1]},{"name":"sepal_width","shape":[1,1],"datatype":"FP32","data":[1]},{"name":"petal_length","shape":[1,1],"datatype":"FP32","data":[1]},{"name":"petal_width","shape":[1,1],"datatype":"FP32","data":[1]}]}""", 400, "INVALID_PARAMETER_VALUE", "rank" },
        { "oip wrong dims", Infer, "application/json", """{"inputs":[{"name":"sepal_length","shape":[1,2],"datatype":"FP32","data":[1,2]},{"name":"sepal_width","shape":[1,1],"datatype":"FP32","data":[1]},{"name":"petal_length","shape":[1,1],"datatype":"FP32","data":[1]},{"name":"petal_width","shape":[1,1],"datatype":"FP32","data":[1]}]}""", 400, "INVALID_PARAMETER_VALUE", "dimension 1" },
        { "oip count differs from shape", Infer, "application/json", """{"inputs":[{"name":"sepal_length","shape":[3,1],"datatype":"FP32","data":[1]}]}""", 400, "INVALID_PARAMETER_VALUE", "3 elements" },

        { "no input field", Invocations, "application/json", """{"params":{}}""", 400, "BAD_REQUEST", "exactly one" },
        { "two input fields", Invocations, "application/json", """{"inputs":[1],"instances":[1]}""", 400, "BAD_REQUEST", "exactly one" },
        { "bare list", Invocations, "application/json", """[[1,2,3,4]]""", 400, "BAD_REQUEST", "JSON object" },
        { "malformed json", Invocations, "application/json", """{"inputs": [1,""", 400, "BAD_REQUEST", "not valid JSON" },
        { "bare NaN token", Invocations, "application/json", """{"inputs": [NaN]}""", 400, "BAD_REQUEST", "not valid JSON" },
        { "lowercase nan string", Invocations, "application/json", $$$"""{"dataframe_split":{"columns":[{{{Cols4}}}],"data":[["nan",2,3,4]]}}""", 400, "INVALID_PARAMETER_VALUE", "NaN" },
        { "float out of range", Invocations, "application/json", $$$"""{"dataframe_split":{"columns":[{{{Cols4}}}],"data":[[1e300,2,3,4]]}}""", 400, "INVALID_PARAMETER_VALUE", "out of range" },
        { "wrong content type", Invocations, "text/plain", "hello", 415, "BAD_REQUEST", "text/plain" },
        { "non-utf8 charset", Invocations, "application/json; charset=latin1", """{"inputs":[1]}""", 415, "BAD_REQUEST", "latin1" },
        { "oip bad datatype name", Infer, "application/json", """{"inputs":[{"name":"sepal_length","shape":[1,1],"datatype":"FLOAT","data":[1]}]}""", 400, "INVALID_PARAMETER_VALUE", "FLOAT" },
        { "oip binary extension", Infer, "application/json", """{"inputs":[{"name":"sepal_length","shape":[1,1],"datatype":"FP32","data":[1],"parameters":{"binary_data_size":4}}]}""", 400, "INVALID_PARAMETER_VALUE", "binary" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task BadInput_GetsTheProtocolsErrorShape(string @case, string path, string contentType, string body, int status, string code, string fragment)
    {
        var (actual, json, _) = await iris.Node.PostAsync(path, body, contentType);
        Assert.True((int)actual == status, $"{@case}: {(int)actual} {json}");
        var oip = path.StartsWith("/v2", StringComparison.Ordinal);
        Assert.Equal(code, json![oip ? "code" : "error_code"]!.GetValue<string>());
        Assert.Contains(fragment, json[oip ? "error" : "message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Invocations, "error_code")]
    [InlineData(Infer, "code")]
    public async Task OversizedBody_Is413_BeforeTheModelSeesIt(string path, string codeField)
    {
        var body = "{\"inputs\":[" + string.Join(",", Enumerable.Repeat("1.0", 6 * 1024 * 1024)) + "]}";
        var (status, json, _) = await iris.Node.PostAsync(path, body);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("REQUEST_LIMIT_EXCEEDED", json![codeField]!.GetValue<string>());
    }

    [Fact]
    public async Task MissingToken_Is401_InEachShape()
    {
        var invocations = await iris.Node.Anonymous.PostAsync(Invocations, new StringContent("{}"));
        var infer = await iris.Node.Anonymous.PostAsync(Infer, new StringContent("{}"));
        Assert.Equal(HttpStatusCode.Unauthorized, invocations.StatusCode);
        Assert.Contains("\"error_code\":\"UNAUTHENTICATED\"", await invocations.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, infer.StatusCode);
        Assert.Contains("\"code\":\"UNAUTHENTICATED\"", await infer.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidToken_Is401()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/2.0/serving-endpoints");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "mpt_not-a-token");
        var response = await iris.Node.Anonymous.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
