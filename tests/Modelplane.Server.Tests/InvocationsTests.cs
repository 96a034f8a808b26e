using System.Text.Json.Nodes;
using Modelplane.Testing;

namespace Modelplane.Server.Tests;

/// <summary><c>/invocations</c> on the real Iris model: every input format, answer shapes and headers (MLflow scoring protocol).</summary>
public sealed class InvocationsTests(IrisNodeFixture iris) : IClassFixture<IrisNodeFixture>
{
    private const string Path = "/serving-endpoints/iris/invocations";
    private NodeFixture Node => iris.Node;

    [Fact]
    public async Task DataframeSplit_AnswersOneRecordPerRow_WithHeaders()
    {
        var (status, body, response) = await Node.PostAsync(Path,
            """{"dataframe_split":{"columns":["sepal_length","sepal_width","petal_length","petal_width"],"data":[[5.1,3.5,1.4,0.2],[6.3,3.3,6.0,2.5]]}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var rows = body!["predictions"]!.AsArray();
        Assert.Equal(2, rows.Count);
        Assert.Equal("Iris-setosa", rows[0]!["species"]!.GetValue<string>());
        Assert.Equal("Iris-virginica", rows[1]!["species"]!.GetValue<string>());
        var probabilities = rows[0]!["probabilities"]!.AsArray().Select(p => p!.GetValue<double>()).ToList();
        Assert.Equal(3, probabilities.Count);
        Assert.Equal(1.0, probabilities.Sum(), 3);
        Assert.Equal("iris-1", response.Headers.GetValues("served-model-name").Single());
        Assert.False(string.IsNullOrEmpty(response.Headers.GetValues("x-request-id").Single()));
    }

    [Fact]
    public async Task DataframeRecords_Instances_Csv_AllGiveTheSameSpecies()
    {
        var records = await Node.PostAsync(Path, """{"dataframe_records":[{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2},{"petal_width":2.5,"petal_length":6.0,"sepal_width":3.3,"sepal_length":6.3}]}""");
        var instances = await Node.PostAsync(Path, """{"instances":[{"sepal_length":5.1,"sepal_width":3.5,"petal_length":1.4,"petal_width":0.2},{"sepal_length":6.3,"sepal_width":3.3,"petal_length":6.0,"petal_width":2.5}]}""");
        var csv = await Node.PostAsync(Path, "sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.3,3.3,6.0,2.5\n", "text/csv");
        foreach (var (status, body, _) in new[] { records, instances, csv })
        {
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(["Iris-setosa", "Iris-virginica"], body!["predictions"]!.AsArray().Select(r => r!["species"]!.GetValue<string>()));
        }
    }

    [Fact]
    public async Task Inputs_AnswersADictOfColumns()
    {
        var (status, body, _) = await Node.PostAsync(Path,
            """{"inputs":{"sepal_length":[[5.1],[6.3]],"sepal_width":[[3.5],[3.3]],"petal_length":[[1.4],[6.0]],"petal_width":[[0.2],[2.5]]}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        var predictions = body!["predictions"]!.AsObject();
        Assert.Equal("Iris-setosa", predictions["species"]![0]![0]!.GetValue<string>());
        Assert.Equal(2, predictions["probabilities"]!.AsArray().Count);
        Assert.Equal(3, predictions["probabilities"]![1]!.AsArray().Count);
    }

    [Fact]
    public async Task AllIrisRows_AsDataframeSplit_AreClassifiedAccurately()
    {
        var lines = File.ReadAllLines(System.IO.Path.Combine(TestData.RepoRoot, "examples", "iris", "data", "iris.csv")).Skip(1).Where(l => l.Length > 0).ToList();
        var rows = lines.Select(l => l.Split(',')).ToList();
        var data = new JsonArray([.. rows.Select(r => (JsonNode?)new JsonArray([.. r.Take(4).Select(v => (JsonNode?)JsonValue.Create(double.Parse(v, System.Globalization.CultureInfo.InvariantCulture)))]))]);
        var request = new JsonObject { ["dataframe_split"] = new JsonObject { ["columns"] = new JsonArray("sepal_length", "sepal_width", "petal_length", "petal_width"), ["data"] = data } };
        var (status, body, _) = await Node.PostAsync(Path, request.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, status);
        var species = body!["predictions"]!.AsArray().Select(p => p!["species"]!.GetValue<string>()).ToList();
        Assert.Equal(150, species.Count);
        var correct = species.Zip(rows, (s, r) => s == r[4]).Count(ok => ok);
        Assert.True(correct >= 140, $"accuracy {correct}/150");
    }

    [Fact]
    public async Task NaNString_IsAcceptedForFloatColumns()
    {
        var (status, body, _) = await Node.PostAsync(Path,
            """{"dataframe_split":{"columns":["sepal_length","sepal_width","petal_length","petal_width"],"data":[["NaN",3.5,1.4,"Infinity"]]}}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(body!["predictions"]!.AsArray());
    }

    [Fact]
    public async Task IntegerJsonNumbers_AreAcceptedForFloatColumns()
    {
        var (status, _, _) = await Node.PostAsync(Path,
            """{"dataframe_split":{"columns":["sepal_length","sepal_width","petal_length","petal_width"],"data":[[5,3,1,0]]}}""");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task UnknownEndpoint_Is404_InMlflowShape()
    {
        var (status, body, _) = await Node.PostAsync("/serving-endpoints/nope/invocations", """{"inputs":[1]}""");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", body!["error_code"]!.GetValue<string>());
        Assert.Contains("nope", body["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MisspelledColumn_NamesBothTheMissingAndTheUnknownColumn()
    {
        var (status, body, _) = await Node.PostAsync(Path,
            """{"dataframe_split":{"columns":["sepal_length","sepal_width","petal_length","petal_widht"],"data":[[5.1,3.5,1.4,0.2]]}}""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var message = body!["error_code"]!.GetValue<string>() + ": " + body["message"]!.GetValue<string>();
        Assert.StartsWith("INVALID_PARAMETER_VALUE: Missing required column 'petal_width'; unknown column 'petal_widht'", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MalformedJson_SaysWhere_AndMessagesAreNotEscaped()
    {
        using var content = new StringContent("{\"inputs\": [1,\n 2,,]}", System.Text.Encoding.UTF8, "application/json");
        var response = await Node.Client.PostAsync(Path, content);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid JSON at line 2, byte", text, StringComparison.Ordinal);
        Assert.DoesNotContain("LineNumber", text, StringComparison.Ordinal);
        var unknown = await Node.PostAsync("/serving-endpoints/it's-not/invocations", "{}");
        Assert.Contains("'it's-not'", unknown.Body!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0027", await unknown.Response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
