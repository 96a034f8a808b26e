using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Modelplane.Cli.Tests.Infrastructure;

namespace Modelplane.Cli.Tests;

/// <summary>
/// <c>modelplane sql</c> with <c>ai_query</c> end to end: the CLI calls the node's chat endpoint as the caller, prints the
/// summary and the statement id on stderr (stdout keeps only the rows), and the node's usage table — read back through
/// SQL — holds one row per model call, each naming the statement.
/// </summary>
public sealed partial class SqlAiQueryCommandTests(SqlNodeFixture node) : IClassFixture<SqlNodeFixture>
{
    [Fact]
    public async Task Ai_query_answers_every_row_and_its_calls_land_in_usage_under_the_statement_id()
    {
        var sql = "SELECT i, ai_query('chat', 'Say hello to number ' || i) AS answer FROM range(3) t(i) ORDER BY i";
        var result = await CliRun.RunAsync(["sql", sql, "-o", "json", "--max-concurrency", "2"], node.Admin);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var rows = JsonNode.Parse(result.Stdout)!.AsArray();
        Assert.Equal(3, rows.Count);
        Assert.All(rows, row => Assert.False(string.IsNullOrEmpty((string?)row!["answer"])));
        Assert.Contains(result.ErrorLines, line => line.StartsWith("3 rows through AI functions in ", StringComparison.Ordinal) && line.Contains(", 0 errors, 3 model calls", StringComparison.Ordinal));
        var id = StatementLine().Match(result.Stderr) is { Success: true } m ? m.Groups[1].Value : throw new Xunit.Sdk.XunitException($"no statement id on stderr: {result.Stderr}");

        decimal calls = 0;
        for (var attempt = 0; attempt < 50 && calls < 3; attempt++)
        {
            await Task.Delay(200); // The node's table writer flushes every 200 ms here.
            var usage = await CliRun.RunAsync(["sql", $"SELECT count(*) AS n FROM system.serving.endpoint_usage WHERE usage_context LIKE '%{id}%'", "-o", "json"], node.Admin);
            Assert.True(usage.ExitCode == 0, usage.Stderr);
            calls = JsonNode.Parse(usage.Stdout)!.AsArray().Single()!["n"]!.GetValue<decimal>();
        }

        Assert.Equal(3, calls);
    }

    [GeneratedRegex("Statement ([0-9a-f-]{36}) ")]
    private static partial Regex StatementLine();
}
