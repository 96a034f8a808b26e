using Modelplane.Cli.Tests.Infrastructure;

namespace Modelplane.Cli.Tests;

/// <summary><c>modelplane query</c>: body from --data, --file (CSV by extension) or stdin; JSON or table output.</summary>
public sealed class QueryCommandTests : IAsyncLifetime
{
    private const string Path = "/serving-endpoints/iris-classifier/invocations";
    private const string Payload = """{"dataframe_split":{"columns":["a"],"data":[[1.5]]}}""";
    private FakeNode node = null!;

    public async Task InitializeAsync()
    {
        node = await FakeNode.StartAsync();
        node.OnJson("POST", Path, Canned.Predictions, new Dictionary<string, string> { ["served-model-name"] = "iris-1", ["x-request-id"] = "req-7" });
    }

    public async Task DisposeAsync() => await node.DisposeAsync();

    [Fact]
    public async Task Data_is_sent_verbatim_as_json_and_json_output_is_the_answer()
    {
        var result = await CliRun.RunAsync(["query", "iris-classifier", "--data", Payload, "-o", "json"], CliRun.EnvFor(node));

        Assert.Equal(0, result.ExitCode);
        var request = Assert.Single(node.Requests);
        Assert.Equal(Payload, request.Body);
        Assert.StartsWith("application/json", request.ContentType);
        Assert.Equal("Iris-virginica", result.Json().GetProperty("predictions")[1].GetProperty("species").GetString());
        Assert.Equal("", result.Stderr);
    }

    [Fact]
    public async Task Table_output_shows_one_row_per_prediction_and_who_served_it()
    {
        var result = await CliRun.RunAsync(["query", "iris-classifier", "-d", Payload], CliRun.EnvFor(node));

        Assert.Contains("Iris-setosa", result.Stdout);
        Assert.Contains("[0.01,0.1,0.89]", result.Stdout);
        Assert.Contains("Served by iris-1 (request id req-7)", result.Stderr);
    }

    [Fact]
    public async Task A_csv_file_is_sent_as_text_csv()
    {
        using var temp = new TempDirectory();
        var file = temp.File("rows.csv");
        await File.WriteAllTextAsync(file, "a\n1.5\n");

        var result = await CliRun.RunAsync(["query", "iris-classifier", "--file", file], CliRun.EnvFor(node));

        Assert.Equal(0, result.ExitCode);
        var request = Assert.Single(node.Requests);
        Assert.StartsWith("text/csv", request.ContentType);
        Assert.Equal("a\n1.5\n", request.Body);
    }

    [Theory]
    [InlineData(Payload, "application/json")]
    [InlineData("a\n1.5\n", "text/csv")]
    public async Task Stdin_is_sniffed_as_json_or_csv(string input, string contentType)
    {
        var result = await CliRun.RunAsync(["query", "iris-classifier"], CliRun.EnvFor(node), stdin: input);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith(contentType, Assert.Single(node.Requests).ContentType);
    }

    [Fact]
    public async Task A_refused_query_exits_1_with_the_node_error()
    {
        node.On("POST", Path, new Reply(400, """{"error_code":"BAD_REQUEST","message":"Column 'sepal_length' is missing."}"""));

        var result = await CliRun.RunAsync(["query", "iris-classifier", "--data", "{}", "-o", "json"], CliRun.EnvFor(node));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal(["Error: BAD_REQUEST: Column 'sepal_length' is missing."], result.ErrorLines);
    }
}
