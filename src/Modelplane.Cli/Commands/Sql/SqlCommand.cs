using System.CommandLine;
using System.Text.Json.Nodes;
using Modelplane.Cli.Output;
using Modelplane.Sql;
using Spectre.Console;

namespace Modelplane.Cli.Commands.Sql;

/// <summary>
/// <c>modelplane sql "&lt;statement&gt;" | --file F</c>: runs SQL on DuckDB on this machine (issue 7, first slice: files
/// only) — read CSV, Parquet and JSON files and write results with <c>COPY … TO</c>; relative paths resolve against the
/// current directory. <c>--output json</c> prints one JSON array of row objects (values per <see cref="SqlValues"/>);
/// <c>table</c> prints a table. A statement without a result set prints nothing on standard output and says how many
/// rows it wrote on standard error. A statement DuckDB refuses exits 1 with DuckDB's message.
/// </summary>
internal sealed class SqlCommand : BaseCommand
{
    private readonly Argument<string?> statement = new("statement") { Description = "The SQL statement(s); the last one's result is printed.", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<string?> file = new("--file", "-f") { Description = "A file holding the SQL instead of the argument." };

    public SqlCommand(CliContext context, GlobalOptions globals)
        : base("sql", "Run SQL on DuckDB over CSV, Parquet and JSON files (COPY … TO writes results).", context, globals)
    {
        Arguments.Add(statement);
        Options.Add(file);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var text = parseResult.GetValue(statement);
        var path = parseResult.GetValue(file);
        if (string.IsNullOrWhiteSpace(text) == (path is null))
        {
            throw new CliUsageException("Give the SQL as the argument or with --file, not both and not neither.");
        }

        text ??= await File.ReadAllTextAsync(Context.ResolvePath(path!), cancellationToken);
        var output = CreateOutput(parseResult);
        using var session = SqlSession.Open(new SqlSessionOptions { WorkingDirectory = Context.WorkingDirectory });
        SqlResult result;
        try
        {
            result = await session.ExecuteAsync(text, cancellationToken);
        }
        catch (SqlException e)
        {
            throw new InvalidOperationException(e.Message, e); // BaseCommand prints "Error: <message>" and exits 1.
        }

        if (result.Columns.Count == 0)
        {
            output.WriteJsonOnly(new JsonArray());
            output.Info(result.RowsAffected >= 0 ? $"{result.RowsAffected} rows written." : "Done.");
            return ExitCodes.Success;
        }

        if (output.IsJson)
        {
            output.WriteJson(new JsonArray([.. result.Rows.Select(row => SqlValues.RowObject(result.Columns, row))]));
        }
        else
        {
            output.Console.Write(Render(result));
        }

        return ExitCodes.Success;
    }

    private static Table Render(SqlResult result)
    {
        var table = Tables.Create([.. result.Columns.Select(c => c.Name)]);
        foreach (var row in result.Rows)
        {
            table.AddRow([.. row.Select(v => Tables.Cell(SqlValues.ToText(v)))]);
        }

        return table;
    }
}
