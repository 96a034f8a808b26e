using System.Text.Json.Nodes;
using Modelplane.Cli.Tests.Infrastructure;

namespace Modelplane.Cli.Tests;

/// <summary>
/// <c>modelplane sql</c> over the node's tables, read through the node's API with the caller's token: the usage table,
/// a payload table by its three-part name, a join with a CSV file, and the clear error a non-admin gets.
/// </summary>
public sealed class SqlNodeTablesTests(SqlNodeFixture node) : IClassFixture<SqlNodeFixture>, IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("modelplane-sql-node-").FullName;

    [Fact]
    public async Task The_usage_table_counts_the_requests_and_stderr_stays_quiet_without_model_calls()
    {
        var result = await CliRun.RunAsync(
            ["sql", $"SELECT count(*) AS n, max(requester) AS who FROM system.serving.endpoint_usage WHERE databricks_request_id LIKE '{node.Run}-%'", "-o", "json"],
            node.Admin, workingDirectory: dir);

        Assert.Equal(0, result.ExitCode);
        var row = JsonNode.Parse(result.Stdout)!.AsArray().Single()!;
        Assert.Equal(SqlNodeFixture.Requests, row["n"]!.GetValue<decimal>());
        Assert.Equal("admin", (string?)row["who"]);
        Assert.Empty(result.ErrorLines); // The statement id is printed only when the statement called models.
    }

    [Fact]
    public async Task A_payload_table_reads_by_its_three_part_name_with_json_in_its_columns()
    {
        var sql = $"SELECT databricks_request_id AS id, request->>'$.messages[0].content' AS prompt, status_code FROM main.logs.chat_payload WHERE databricks_request_id LIKE '{node.Run}-%' ORDER BY id";
        var result = await CliRun.RunAsync(["sql", sql, "-o", "json"], node.Admin, workingDirectory: dir);

        Assert.Equal(0, result.ExitCode);
        var rows = JsonNode.Parse(result.Stdout)!.AsArray();
        Assert.Equal([$"{node.Run}-1", $"{node.Run}-2", $"{node.Run}-3"], rows.Select(r => (string)r!["id"]!));
        Assert.All(rows, r => Assert.Equal(("Hello", 200m), ((string?)r!["prompt"], r["status_code"]!.GetValue<decimal>())));
    }

    [Fact]
    public async Task A_node_table_joins_a_csv_file()
    {
        await File.WriteAllTextAsync(Path.Combine(dir, "labels.csv"), $"request_id,label\n{node.Run}-1,first\n{node.Run}-3,third\nnot-a-request,none\n");
        var sql = "SELECT l.label, u.status_code, u.endpoint_name FROM 'labels.csv' l JOIN system.serving.endpoint_usage u ON u.databricks_request_id = l.request_id ORDER BY l.label";
        var result = await CliRun.RunAsync(["sql", sql, "-o", "json"], node.Admin, workingDirectory: dir);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("""[{"label":"first","status_code":200,"endpoint_name":"chat"},{"label":"third","status_code":200,"endpoint_name":"chat"}]""",
            JsonNode.Parse(result.Stdout)!.ToJsonString());
    }

    [Fact]
    public async Task A_non_admin_gets_a_clear_error_naming_the_table_and_the_level_needed()
    {
        var usage = await CliRun.RunAsync(["sql", "SELECT count(*) FROM system.serving.endpoint_usage"], node.Querier, workingDirectory: dir);
        var payload = await CliRun.RunAsync(["sql", "SELECT count(*) FROM main.logs.chat_payload"], node.Querier, workingDirectory: dir);
        var files = await CliRun.RunAsync(["sql", "SELECT 42 AS answer", "-o", "json"], node.Querier, workingDirectory: dir);

        Assert.Equal(1, usage.ExitCode);
        Assert.StartsWith("Error: Reading system.serving.endpoint_usage needs workspace admin: ", usage.ErrorLines.Last(), StringComparison.Ordinal);
        Assert.Equal(1, payload.ExitCode);
        Assert.StartsWith("Error: Reading main.logs.chat_payload needs CAN_MANAGE on serving endpoint 'chat' (or workspace admin): ", payload.ErrorLines.Last(), StringComparison.Ordinal);
        Assert.Equal("", usage.Stdout);
        Assert.Equal(0, files.ExitCode);
        Assert.Equal(42, JsonNode.Parse(files.Stdout)!.AsArray().Single()!["answer"]!.GetValue<decimal>());
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);
}
