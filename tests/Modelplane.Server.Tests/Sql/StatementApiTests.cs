using System.Text.Json.Nodes;
using Modelplane.Client;

namespace Modelplane.Server.Tests.Sql;

/// <summary>The Statement Execution API's shapes, waits, cancel, time limit, 400s and visibility, on a real node.</summary>
public sealed class StatementApiTests(StatementNode fixture) : IClassFixture<StatementNode>
{
    /// <summary>Runs for minutes unless interrupted.</summary>
    private const string Endless = "SELECT sum(hash(a)) AS h FROM range(1000000000000) t(a)";

    private const string Path = "/api/2.0/sql/statements";

    [Fact]
    public async Task A_query_succeeds_inline_with_every_value_a_string_and_a_typed_manifest()
    {
        var (status, body, _) = await fixture.Node.PostAsync(Path, """
            {"statement": "SELECT 42 AS answer, 1.5::DOUBLE AS ratio, 'iris' AS name, true AS ok, NULL::VARCHAR AS nothing, [1, 2] AS list, {'a': 1} AS obj, DATE '2024-01-02' AS day",
             "wait_timeout": "30s", "disposition": "INLINE", "format": "JSON_ARRAY", "warehouse_id": "ignored"}
            """);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(Guid.TryParse(body!["statement_id"]!.GetValue<string>(), out _), body.ToJsonString());
        Assert.Equal("SUCCEEDED", body["status"]!["state"]!.GetValue<string>());
        var manifest = body["manifest"]!;
        Assert.Equal("JSON_ARRAY", manifest["format"]!.GetValue<string>());
        Assert.Equal(8, manifest["schema"]!["column_count"]!.GetValue<int>());
        var columns = manifest["schema"]!["columns"]!.AsArray();
        Assert.Equal(["answer", "ratio", "name", "ok", "nothing", "list", "obj", "day"], columns.Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7], columns.Select(c => c!["position"]!.GetValue<int>()));
        Assert.Equal(["INT", "DOUBLE", "STRING", "BOOLEAN", "STRING", "ARRAY", "STRUCT", "DATE"], columns.Select(c => c!["type_name"]!.GetValue<string>()));
        Assert.Equal("INTEGER", columns[0]!["type_text"]!.GetValue<string>());
        Assert.Equal(1, manifest["total_row_count"]!.GetValue<long>());
        Assert.False(manifest["truncated"]!.GetValue<bool>());
        var result = body["result"]!;
        Assert.Equal((0, 0, 1), (result["chunk_index"]!.GetValue<int>(), result["row_offset"]!.GetValue<int>(), result["row_count"]!.GetValue<int>()));
        Assert.Equal("""[["42","1.5","iris","true",null,"[1,2]","{\u0022a\u0022:1}","2024-01-02"]]""", result["data_array"]!.ToJsonString());
    }

    [Fact]
    public async Task Rows_from_an_allowed_file_honour_row_limit_and_say_truncated()
    {
        var response = await fixture.Admin.ExecuteStatementAsync(new StatementRequest
        {
            Statement = $"SELECT species, count(*) AS n FROM read_csv('{fixture.AllowedDir}/iris.csv') GROUP BY species ORDER BY species",
            RowLimit = 2,
        });
        Assert.Equal("SUCCEEDED", response.Status!.State);
        Assert.True(response.Manifest!.Truncated);
        Assert.Equal(2, response.Manifest.TotalRowCount);
        Assert.Equal([["Iris-setosa", "50"], ["Iris-versicolor", "50"]], response.Result!.DataArray!.Select(r => r.ToArray()));
        Assert.Equal("LONG", response.Manifest.Schema!.Columns![1].TypeName);
    }

    [Fact]
    public async Task Wait_timeout_0s_answers_at_once_and_GET_later_has_the_result()
    {
        var submitted = await fixture.Admin.ExecuteStatementAsync(new StatementRequest { Statement = "SELECT 'later' AS word", WaitTimeout = "0s" });
        Assert.Contains(submitted.Status!.State, new[] { "PENDING", "RUNNING" });
        Assert.Null(submitted.Result);
        var ended = await StatementNode.EndAsync(fixture.Admin, submitted.StatementId!);
        Assert.Equal("SUCCEEDED", ended.Status!.State);
        Assert.Equal("later", ended.Result!.DataArray![0][0]);
    }

    [Fact]
    public async Task A_long_statement_is_canceled_by_cancel()
    {
        var submitted = await fixture.Admin.ExecuteStatementAsync(new StatementRequest { Statement = Endless, WaitTimeout = "0s" });
        await fixture.Admin.CancelStatementAsync(submitted.StatementId!);
        var ended = await StatementNode.EndAsync(fixture.Admin, submitted.StatementId!);
        Assert.Equal("CANCELED", ended.Status!.State);
        Assert.Null(ended.Result);
    }

    [Fact]
    public async Task On_wait_timeout_CANCEL_answers_CANCELED()
    {
        var response = await fixture.Admin.ExecuteStatementAsync(new StatementRequest { Statement = Endless, WaitTimeout = "5s", OnWaitTimeout = "CANCEL" });
        Assert.Equal("CANCELED", response.Status!.State); // The 5 s wait passes long before the fixture's 20 s limit.
        Assert.Null(response.Status.Error);
    }

    [Fact]
    public async Task A_statement_past_the_time_limit_fails_naming_the_limit()
    {
        var submitted = await fixture.Admin.ExecuteStatementAsync(new StatementRequest { Statement = Endless, WaitTimeout = "0s" });
        var ended = await StatementNode.EndAsync(fixture.Admin, submitted.StatementId!);
        Assert.Equal("FAILED", ended.Status!.State);
        Assert.Equal("DEADLINE_EXCEEDED", ended.Status.Error!.ErrorCode);
        Assert.Contains("Modelplane:Sql:StatementTimeout", ended.Status.Error.Message, StringComparison.Ordinal);
        Assert.Contains(StatementNode.Limit.ToString(), ended.Status.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_later_statement_of_several_is_still_interrupted_at_the_time_limit()
    {
        // DuckDB.NET watches the token only while the first statement starts; the second runs inside NextResult.
        var submitted = await fixture.Admin.ExecuteStatementAsync(new StatementRequest { Statement = "SELECT 1; " + Endless, WaitTimeout = "0s" });
        var ended = await StatementNode.EndAsync(fixture.Admin, submitted.StatementId!);
        Assert.Equal("FAILED", ended.Status!.State);
        Assert.Equal("DEADLINE_EXCEEDED", ended.Status.Error!.ErrorCode);
    }

    [Fact]
    public async Task A_failing_statement_is_FAILED_with_DuckDBs_message_and_HTTP_200()
    {
        var response = await fixture.Admin.ExecuteStatementAsync("SELECT * FROM no_such_table");
        Assert.Equal("FAILED", response.Status!.State);
        Assert.Equal("BAD_REQUEST", response.Status.Error!.ErrorCode);
        Assert.Contains("Table with name no_such_table does not exist", response.Status.Error.Message, StringComparison.Ordinal);
        Assert.Null(response.Manifest);
    }

    [Theory]
    [InlineData("""{"statement": "SELECT 1", "disposition": "EXTERNAL_LINKS"}""", "disposition")]
    [InlineData("""{"statement": "SELECT 1", "format": "ARROW_STREAM"}""", "format")]
    [InlineData("""{"statement": "SELECT 1", "format": "CSV"}""", "format")]
    [InlineData("""{"statement": "SELECT 1", "wait_timeout": "3s"}""", "wait_timeout")]
    [InlineData("""{"statement": "SELECT 1", "wait_timeout": "51s"}""", "wait_timeout")]
    [InlineData("""{"statement": "SELECT 1", "wait_timeout": "ten"}""", "wait_timeout")]
    [InlineData("""{"statement": "SELECT 1", "on_wait_timeout": "WAIT"}""", "on_wait_timeout")]
    [InlineData("""{"statement": "SELECT 1", "row_limit": 0}""", "row_limit")]
    [InlineData("""{"statement": "SELECT :x", "parameters": [{"name": "x", "value": "1"}]}""", "parameters")]
    [InlineData("""{"statement": "  "}""", "statement")]
    [InlineData("""{"wait_timeout": "5s"}""", "statement")]
    [InlineData("""{"statement": "SELECT 1", "catalog": "main"}""", "catalog")]
    public async Task A_bad_request_is_400_naming_the_field(string body, string field)
    {
        var (status, answer, _) = await fixture.Node.PostAsync(Path, body);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("INVALID_PARAMETER_VALUE", answer!["error_code"]!.GetValue<string>());
        Assert.Contains(field, answer["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_users_statement_is_404_and_an_admin_sees_it()
    {
        using var owner = await fixture.UserAsync();
        using var other = await fixture.UserAsync();
        var submitted = await owner.ExecuteStatementAsync(new StatementRequest { Statement = "SELECT 7 AS n", WaitTimeout = "30s" });
        Assert.Equal("SUCCEEDED", submitted.Status!.State);
        Assert.Equal("7", (await owner.GetStatementAsync(submitted.StatementId!)).Result!.DataArray![0][0]);
        var get = await Assert.ThrowsAsync<ModelplaneApiException>(() => other.GetStatementAsync(submitted.StatementId!));
        Assert.Equal(404, (int)get.StatusCode);
        var cancel = await Assert.ThrowsAsync<ModelplaneApiException>(() => other.CancelStatementAsync(submitted.StatementId!));
        Assert.Equal(404, (int)cancel.StatusCode);
        Assert.Equal("SUCCEEDED", (await fixture.Admin.GetStatementAsync(submitted.StatementId!)).Status!.State);
        var unknown = await Assert.ThrowsAsync<ModelplaneApiException>(() => owner.GetStatementAsync(Guid.NewGuid().ToString()));
        Assert.Equal(404, (int)unknown.StatusCode);
    }

    [Fact]
    public async Task Without_a_token_the_API_is_401()
    {
        using var content = new StringContent("""{"statement": "SELECT 1"}""", System.Text.Encoding.UTF8, "application/json");
        var response = await fixture.Node.Anonymous.PostAsync(Path, content);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("UNAUTHENTICATED", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error_code"]!.GetValue<string>());
    }
}
