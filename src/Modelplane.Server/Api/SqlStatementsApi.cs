using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;
using Modelplane.Client;
using Modelplane.Server.Sql;
using JsonOptions = Microsoft.AspNetCore.Http.Json.JsonOptions;

namespace Modelplane.Server.Api;

/// <summary>
/// The Databricks Statement Execution API 2.0 on the node's locked-down DuckDB (docs/sql-statements.md):
/// <list type="bullet">
/// <item><c>POST /api/2.0/sql/statements</c> <c>{statement, wait_timeout?, on_wait_timeout?, disposition?, format?,
/// row_limit?, warehouse_id?, parameters?}</c> → <see cref="StatementResponse"/> after waiting up to
/// <c>wait_timeout</c>;</item>
/// <item><c>GET /api/2.0/sql/statements/{statement_id}</c> → <see cref="StatementResponse"/>;</item>
/// <item><c>POST /api/2.0/sql/statements/{statement_id}/cancel</c> → <c>{}</c>.</item>
/// </list>
/// Any authenticated caller may submit; only the submitter or an admin sees or cancels a statement (others: 404).
/// A statement that fails answers 200 with <c>status.state = FAILED</c>, as Databricks does; a bad request is 400
/// <c>INVALID_PARAMETER_VALUE</c> naming the field.
/// </summary>
public static class SqlStatementsApi
{
    /// <summary>The <c>wait_timeout</c> when none is given (Databricks' default).</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(10);

    /// <summary>Maps the three routes.</summary>
    public static IEndpointRouteBuilder MapSqlStatementsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2.0/sql/statements").WithTags("SQL statements");
        group.MapPost("/", SubmitAsync).WithSummary("Runs a DuckDB SQL statement on the node, waiting up to wait_timeout for its result.");
        group.MapGet("/{statement_id}", ([FromRoute(Name = "statement_id")] string statementId, HttpContext http, SqlStatementStore store) =>
            Results.Json(SqlStatementsResults.Response(store.Get(statementId, http.CallerIdentity()))))
            .WithSummary("A statement's state and, once SUCCEEDED, its result; submitter or admin.");
        group.MapPost("/{statement_id}/cancel", ([FromRoute(Name = "statement_id")] string statementId, HttpContext http, SqlStatementStore store) =>
        {
            store.Get(statementId, http.CallerIdentity()).RequestCancel();
            return Results.Json(new { });
        }).WithSummary("Cancels a statement; submitter or admin.");
        return app;
    }

    private static async Task<IResult> SubmitAsync(HttpContext http, SqlStatementStore store, SqlStatementRunner runner)
    {
        var caller = http.CallerIdentity();
        var strict = new JsonSerializerOptions(http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions)
        {
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        };
        var request = await RequestBodies.ReadJsonAsync<StatementRequest>(http.Request, strict);
        var (wait, cancelOnTimeout) = Validate(request);
        var statement = new SqlStatement(Guid.NewGuid().ToString("D"), caller.PrincipalId, request.Statement!, request.RowLimit);
        var cap = http.RequestServices.GetRequiredService<IOptions<SqlStatementOptions>>().Value.MaxResultRows;
        var session = runner.SessionFor(http, statement.Id) with { MaxResultRows = Math.Min(request.RowLimit ?? cap, cap) };
        store.Add(statement);
        if (wait == TimeSpan.Zero)
        {
            var queued = SqlStatementsResults.Response(statement); // Answered as submitted (PENDING), as Databricks' "0s".
            runner.Start(statement, session);
            return Results.Json(queued);
        }

        runner.Start(statement, session);
        if (await Task.WhenAny(statement.Done, Task.Delay(wait, http.RequestAborted)) != statement.Done && cancelOnTimeout)
        {
            statement.RequestCancel();
            await statement.Done.WaitAsync(http.RequestAborted);
        }

        return Results.Json(SqlStatementsResults.Response(statement));
    }

    private static (TimeSpan Wait, bool CancelOnTimeout) Validate(StatementRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Statement))
        {
            throw Invalid("statement", "statement is required: the SQL text to run.");
        }

        var wait = DefaultWait;
        if (request.WaitTimeout is { } text)
        {
            if (!text.EndsWith('s') || !int.TryParse(text[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                || (seconds != 0 && seconds is < 5 or > 50))
            {
                throw Invalid("wait_timeout", $"wait_timeout must be \"0s\" or from \"5s\" to \"50s\" (got \"{text}\").");
            }

            wait = TimeSpan.FromSeconds(seconds);
        }

        var cancel = request.OnWaitTimeout switch
        {
            null or "CONTINUE" => false,
            "CANCEL" => true,
            var other => throw Invalid("on_wait_timeout", $"on_wait_timeout must be CONTINUE or CANCEL (got \"{other}\")."),
        };
        if (request.Disposition is { } disposition && disposition != "INLINE")
        {
            throw Invalid("disposition", $"disposition \"{disposition}\" is not supported: this node answers results INLINE only.");
        }

        if (request.Format is { } format && format != "JSON_ARRAY")
        {
            throw Invalid("format", $"format \"{format}\" is not supported: this node answers results as JSON_ARRAY only.");
        }

        if (request.RowLimit is < 1)
        {
            throw Invalid("row_limit", $"row_limit must be at least 1 (got {request.RowLimit}).");
        }

        if (request.Parameters is { Count: > 0 })
        {
            throw Invalid("parameters", "parameters are not supported: write the values into the statement (DuckDB SQL has no :name markers here).");
        }

        return (wait, cancel);
    }

    private static ModelplaneException Invalid(string field, string message) =>
        new(ErrorCode.InvalidParameterValue, message) { Param = field };
}
