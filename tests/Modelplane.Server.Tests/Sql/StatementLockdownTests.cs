using DuckDB.NET.Data;
using Modelplane.Client;

namespace Modelplane.Server.Tests.Sql;

/// <summary>
/// The node's DuckDB lockdown, through the API: the data dir (database, key file, a table's Parquet), extensions,
/// <c>COPY … TO</c> outside the allowed directories and re-enabling external access all fail with DuckDB's permission
/// or lock errors; the allowed directory is readable and writable.
/// </summary>
public sealed class StatementLockdownTests(StatementNode fixture) : IClassFixture<StatementNode>
{
    [Theory]
    [InlineData("SELECT * FROM read_text('{data}/modelplane.db')", "Permission Error")]
    [InlineData("SELECT * FROM read_blob('{data}/master.key')", "Permission Error")]
    [InlineData("SELECT * FROM read_parquet('{data}/tables/stolen/part.parquet')", "Permission Error")]
    [InlineData("SELECT * FROM glob('{data}/*')", "Permission Error")]
    [InlineData("ATTACH '{data}/modelplane.db' AS stolen", "Permission Error")]
    [InlineData("SELECT * FROM read_csv('{allowed}/../{allowedName}/../etc.csv')", "Permission Error")]
    [InlineData("SELECT * FROM read_text('/etc/passwd')", "Permission Error")]
    [InlineData("INSTALL httpfs", "Permission Error")]
    [InlineData("LOAD httpfs", "Loading external extensions is disabled")]
    [InlineData("COPY (SELECT 1 AS a) TO '{data}/out.csv'", "Permission Error")]
    [InlineData("COPY (SELECT 1 AS a) TO '{temp}/outside-{guid}.csv'", "Permission Error")]
    [InlineData("SET enable_external_access = true", "the configuration has been locked")]
    [InlineData("RESET memory_limit", "the configuration has been locked")]
    [InlineData("SET allowed_directories = ['/']", "the configuration has been locked")]
    public async Task A_statement_outside_the_lockdown_fails_with_a_clear_error(string template, string expected)
    {
        Directory.CreateDirectory(Path.Combine(fixture.Node.DataDir, "tables", "stolen"));
        WriteParquet(Path.Combine(fixture.Node.DataDir, "tables", "stolen", "part.parquet"));
        Assert.True(File.Exists(Path.Combine(fixture.Node.DataDir, "modelplane.db")));
        var guid = Guid.NewGuid().ToString("N");
        var sql = template.Replace("{data}", fixture.Node.DataDir, StringComparison.Ordinal)
            .Replace("{allowedName}", Path.GetFileName(fixture.AllowedDir), StringComparison.Ordinal)
            .Replace("{allowed}", fixture.AllowedDir, StringComparison.Ordinal)
            .Replace("{temp}", Path.GetTempPath().TrimEnd('/'), StringComparison.Ordinal)
            .Replace("{guid}", guid, StringComparison.Ordinal);
        var response = await fixture.Admin.ExecuteStatementAsync(new StatementRequest { Statement = sql, WaitTimeout = "30s" });
        Assert.True(response.Status!.State == "FAILED", $"{sql}: {response.Status.State}");
        Assert.Equal("BAD_REQUEST", response.Status.Error!.ErrorCode);
        Assert.Contains(expected, response.Status.Error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), $"outside-{guid}.csv")));
    }

    [Fact]
    public async Task COPY_into_and_read_csv_from_the_allowed_directory_succeed()
    {
        var target = Path.Combine(fixture.AllowedDir, $"setosa-{Guid.NewGuid():N}.parquet");
        var copy = await fixture.Admin.ExecuteStatementAsync(new StatementRequest
        {
            Statement = $"COPY (SELECT * FROM read_csv('{fixture.AllowedDir}/iris.csv') WHERE species = 'Iris-setosa') TO '{target}' (FORMAT parquet)",
            WaitTimeout = "30s",
        });
        Assert.Equal("SUCCEEDED", copy.Status!.State);
        Assert.True(File.Exists(target));
        var read = await fixture.Admin.ExecuteStatementAsync(new StatementRequest { Statement = $"SELECT count(*) AS n FROM '{target}'", WaitTimeout = "30s" });
        Assert.Equal("SUCCEEDED", read.Status!.State);
        Assert.Equal("50", read.Result!.DataArray![0][0]);
    }

    [Fact]
    public async Task Settings_report_the_configured_lockdown()
    {
        var response = await fixture.Admin.ExecuteStatementAsync(new StatementRequest
        {
            Statement = "SELECT current_setting('enable_external_access')::VARCHAR, current_setting('lock_configuration')::VARCHAR, current_setting('threads')::VARCHAR, current_setting('autoload_known_extensions')::VARCHAR",
            WaitTimeout = "30s",
        });
        Assert.Equal("SUCCEEDED", response.Status!.State);
        Assert.Equal(["false", "true", "2", "false"], response.Result!.DataArray![0]);
    }

    private static void WriteParquet(string path)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"COPY (SELECT 'secret' AS payload) TO '{path}' (FORMAT parquet)";
        command.ExecuteNonQuery();
    }
}
