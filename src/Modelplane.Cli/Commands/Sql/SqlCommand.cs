using System.CommandLine;
using System.Text.Json.Nodes;
using Modelplane.Cli.Output;
using Modelplane.Client;
using Modelplane.Sql;
using Spectre.Console;

namespace Modelplane.Cli.Commands.Sql;

/// <summary>
/// <c>modelplane sql "&lt;statement&gt;" | --file F</c>: runs SQL on DuckDB on this machine (issue 7) — read CSV, Parquet
/// and JSON files and write results with <c>COPY … TO</c>; relative paths resolve against the current directory. When a
/// node is configured (<c>--host</c>/<c>--token</c>, <c>MODELPLANE_HOST</c>/<c>MODELPLANE_TOKEN</c>, a profile, or the
/// quickstart's admin token; <c>--ca-cert</c> for HTTPS) the AI functions call it with the caller's token and the node's
/// tables are readable by their three-part names (<see cref="NodeApiTableSource"/>); the statement id (the
/// <c>usage_context.statement_id</c> of its model calls) is printed on standard error, and so is the AI functions'
/// progress (<see cref="SqlProgressDisplay"/>). Without a node, plain file SQL still works. <c>--output json</c> prints one JSON array of row objects (values per <see cref="SqlValues"/>);
/// <c>table</c> prints a table. A statement without a result set prints nothing on standard output and says how many
/// rows it wrote on standard error. A statement DuckDB refuses exits 1 with DuckDB's message.
/// </summary>
internal sealed class SqlCommand : BaseCommand
{
    private readonly Argument<string?> statement = new("statement") { Description = "The SQL statement(s); the last one's result is printed.", Arity = ArgumentArity.ZeroOrOne };
    private readonly Option<string?> file = new("--file", "-f") { Description = "A file holding the SQL instead of the argument." };
    private readonly SqlAiOptions ai = new();

    public SqlCommand(CliContext context, GlobalOptions globals)
        : base("sql", "Run SQL on DuckDB over CSV, Parquet and JSON files and the node's tables, with AI functions (COPY … TO writes results).", context, globals)
    {
        Arguments.Add(statement);
        Options.Add(file);
        ai.AddTo(this);
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
        var options = new SqlSessionOptions { WorkingDirectory = Context.WorkingDirectory, Ai = ai.Read(parseResult, Context) };
        var node = NodeConfigured(parseResult) ? ResolveConnection(parseResult) : null;
        using var handler = node?.CaCertPath is { } ca ? ModelplaneClient.CreateHandler(ModelplaneClient.LoadTrustedCertificates(ca)) : null;
        using var client = node is null ? null : CreateClient(parseResult);
        if (node is not null)
        {
            options = options with { Serving = new ServingConnection(node.Host, node.Token, handler), Tables = new NodeApiTableSource(client!) };
        }

        SqlResult result;
        using var session = SqlSession.Open(options);
        try
        {
            await using var progress = SqlProgressDisplay.Start(options.Progress, Context);
            result = await Task.Run(() => session.ExecuteAsync(text, cancellationToken), cancellationToken);
        }
        catch (SqlException e)
        {
            throw new InvalidOperationException(e.Message, e); // BaseCommand prints "Error: <message>" and exits 1.
        }
        finally
        {
            if (options.Progress.ModelCalls > 0)
            {
                output.Info($"Statement {options.StatementId} (usage_context.statement_id of its model calls).");
            }
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

    /// <summary>Whether a node was named: a host (flag or environment) or a token found anywhere (flag, environment,
    /// profile, the quickstart's <c>.modelplane/admin-token</c>).</summary>
    private bool NodeConfigured(ParseResult parseResult) =>
        !string.IsNullOrWhiteSpace(parseResult.GetValue(Globals.Host)) || Context.GetEnvironmentVariable("MODELPLANE_HOST") is not null
        || ResolveConnection(parseResult).Token is not null;

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
