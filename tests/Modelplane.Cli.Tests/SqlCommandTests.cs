using System.Text.Json.Nodes;
using Modelplane.Cli.Tests.Infrastructure;

namespace Modelplane.Cli.Tests;

/// <summary><c>modelplane sql</c> on DuckDB over real files: the project's Iris CSV (150 rows), COPY TO Parquet and back.</summary>
public sealed class SqlCommandTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("modelplane-sql-").FullName;

    public SqlCommandTests() => File.Copy(IrisCsv, Path.Combine(dir, "iris.csv"));

    private static string IrisCsv => Path.Combine(RepoRoot(), "examples", "iris", "data", "iris.csv");

    [Fact]
    public async Task Json_output_is_one_array_of_row_objects_with_typed_values()
    {
        var result = await CliRun.RunAsync(["sql", "SELECT count(*) AS n, round(avg(sepal_length), 3) AS mean FROM 'iris.csv'", "--output", "json"], workingDirectory: dir);

        Assert.Equal(0, result.ExitCode);
        var rows = JsonNode.Parse(result.Stdout)!.AsArray();
        var row = Assert.Single(rows)!;
        Assert.Equal(150, row["n"]!.GetValue<decimal>());
        Assert.Equal(5.843m, row["mean"]!.GetValue<decimal>());
    }

    [Fact]
    public async Task Copy_to_parquet_writes_a_file_that_reads_back_the_same_rows()
    {
        // COPY writes relative to the process's directory (the CLI's own is the user's), so the test names the target in full.
        var target = Path.Combine(dir, "setosa.parquet");
        var copy = await CliRun.RunAsync(["sql", $"COPY (SELECT * FROM 'iris.csv' WHERE species = 'Iris-setosa') TO '{target}' (FORMAT parquet)"], workingDirectory: dir);
        Assert.Equal(0, copy.ExitCode);
        Assert.Equal("", copy.Stdout);
        Assert.True(File.Exists(target));

        var back = await CliRun.RunAsync(["sql", "SELECT species, count(*) AS n FROM read_parquet('setosa.parquet') GROUP BY species"], workingDirectory: dir);
        Assert.Equal(0, back.ExitCode);
        Assert.Contains("Iris-setosa", back.Stdout, StringComparison.Ordinal);
        Assert.Contains("50", back.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Nested_values_and_nulls_become_json_objects_arrays_and_null()
    {
        var sql = "SELECT {'a': 1, 'b': [1.5, 2]} AS s, [1.5, NULL] AS l, NULL AS nothing, DATE '2026-11-30' AS d";
        var result = await CliRun.RunAsync(["sql", sql, "--output", "json"], workingDirectory: dir);

        Assert.Equal(0, result.ExitCode);
        var row = JsonNode.Parse(result.Stdout)!.AsArray().Single()!;
        Assert.Equal("""{"a":1,"b":[1.5,2.0]}""", row["s"]!.ToJsonString());
        Assert.Equal("[1.5,null]", row["l"]!.ToJsonString());
        Assert.Null(row["nothing"]);
        Assert.StartsWith("2026-11-30", row["d"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doubles_past_the_decimal_range_stay_numbers_nested_or_not()
    {
        var result = await CliRun.RunAsync(["sql", "SELECT 1e300::DOUBLE AS big, {'x': -2.5e40::DOUBLE} AS s", "--output", "json"], workingDirectory: dir);

        Assert.Equal(0, result.ExitCode);
        var row = JsonNode.Parse(result.Stdout)!.AsArray().Single()!;
        Assert.Equal(1e300, row["big"]!.GetValue<double>());
        Assert.Equal(-2.5e40, row["s"]!["x"]!.GetValue<double>());
    }

    [Fact]
    public async Task Several_statements_print_the_last_result_and_blobs_are_base64()
    {
        var result = await CliRun.RunAsync(["sql", "SELECT 1 AS a; SELECT 'ab'::BLOB AS bl, 2 AS b;", "--output", "json"], workingDirectory: dir);

        Assert.Equal(0, result.ExitCode);
        var row = JsonNode.Parse(result.Stdout)!.AsArray().Single()!;
        Assert.Null(row["a"]);
        Assert.Equal(2, row["b"]!.GetValue<decimal>());
        Assert.Equal(Convert.ToBase64String("ab"u8.ToArray()), row["bl"]!.GetValue<string>());
    }

    [Fact]
    public async Task Nulls_nested_inside_a_struct_are_a_clear_error_naming_the_column_and_the_workaround()
    {
        var result = await CliRun.RunAsync(["sql", "SELECT {'b': [1.5, NULL]} AS s"], workingDirectory: dir);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Column 's'", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("to_json(s)", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_statement_duckdb_refuses_exits_1_with_its_message_and_usage_errors_exit_2()
    {
        var missing = await CliRun.RunAsync(["sql", "SELECT * FROM no_such_table"], workingDirectory: dir);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("no_such_table", missing.Stderr, StringComparison.Ordinal);

        var neither = await CliRun.RunAsync(["sql"], workingDirectory: dir);
        Assert.Equal(2, neither.ExitCode);
        var fromFile = Path.Combine(dir, "q.sql");
        await File.WriteAllTextAsync(fromFile, "SELECT 41 + 1 AS answer");
        var both = await CliRun.RunAsync(["sql", "SELECT 1", "--file", fromFile], workingDirectory: dir);
        Assert.Equal(2, both.ExitCode);
        var file = await CliRun.RunAsync(["sql", "--file", "q.sql", "--output", "json"], workingDirectory: dir);
        Assert.Equal(42, JsonNode.Parse(file.Stdout)!.AsArray().Single()!["answer"]!.GetValue<decimal>());
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "Modelplane.slnx")))
            {
                return d.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Modelplane.slnx) was not found above the test binaries.");
    }
}
