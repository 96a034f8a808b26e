using Modelplane.Cli.Tests.Infrastructure;

namespace Modelplane.Cli.Tests.Tables;

/// <summary>A real node for <see cref="TablesCommandTests"/>.</summary>
public sealed class TablesNodeFixture() : RealNodeFixture("modelplane-cli-tables-");

/// <summary><c>modelplane tables show ...</c> in-process against a real node (row contents are covered by the server tests).</summary>
public sealed class TablesCommandTests(TablesNodeFixture node) : IClassFixture<TablesNodeFixture>
{
    [Fact]
    public async Task Show_answers_the_api_shape_and_table_headers()
    {
        var json = await CliRun.RunAsync(["tables", "show", "usage", "--endpoint", "none", "--limit", "5", "-o", "json"], node.Env());
        var table = await CliRun.RunAsync(["tables", "show", "served-entities"], node.Env());

        Assert.Equal(0, json.ExitCode);
        Assert.Equal(0, json.Json().GetProperty("rows").GetArrayLength());
        Assert.Equal(0, table.ExitCode);
        Assert.Matches(@"CHANGE TIME\s+.*ENDPOINT\s+.*VERSION\s+.*SERVED ENTITY", table.Stdout);
    }

    [Fact]
    public async Task Show_reports_bad_input_and_missing_tables()
    {
        var since = await CliRun.RunAsync(["tables", "show", "usage", "--since", "yesterday"], node.Env());
        var limit = await CliRun.RunAsync(["tables", "show", "usage", "--limit", "0"], node.Env());
        var missing = await CliRun.RunAsync(["tables", "show", "payload", "nope"], node.Env());

        Assert.Equal(2, since.ExitCode);
        Assert.Contains("--since", since.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, limit.ExitCode);
        Assert.Contains("limit", limit.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.StartsWith("Error: RESOURCE_DOES_NOT_EXIST: ", Assert.Single(missing.ErrorLines), StringComparison.Ordinal);
    }
}
