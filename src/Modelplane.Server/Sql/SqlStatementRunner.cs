using Microsoft.Extensions.Options;
using Modelplane.Client;
using Modelplane.Sql;

namespace Modelplane.Server.Sql;

/// <summary>
/// Runs statements in the background, at most <see cref="SqlStatementOptions.MaxConcurrentStatements"/> at once (the
/// rest wait <c>PENDING</c>), each in its own <see cref="SqlSession"/> (the same implementation as <c>modelplane sql</c>)
/// under the node's lockdown, as its submitter: the AI functions call this node's endpoints through
/// <see cref="NodeLoopback"/> with the submitter's bearer token. Endings: <c>SUCCEEDED</c>; <c>CANCELED</c> after a
/// cancel; <c>FAILED</c> with <c>BAD_REQUEST</c> and DuckDB's message, with <c>DEADLINE_EXCEEDED</c> past
/// <see cref="SqlStatementOptions.StatementTimeout"/> (DuckDB.NET interrupts the query when its token is cancelled), or
/// with <c>INTERNAL_ERROR</c>.
/// </summary>
public sealed class SqlStatementRunner(IOptions<SqlStatementOptions> options, NodeLoopback loopback, ILogger<SqlStatementRunner> logger) : IDisposable
{
    private readonly SemaphoreSlim slots = new(options.Value.MaxConcurrentStatements);

    /// <summary>The session settings of a statement submitted by <paramref name="http"/>'s caller.</summary>
    /// <param name="http">The submitting request (read now, never later: the statement outlives it).</param>
    /// <param name="statementId">The statement's id (sent as <c>usage_context.statement_id</c> on model calls).</param>
    public SqlSessionOptions SessionFor(HttpContext http, string statementId)
    {
        ArgumentNullException.ThrowIfNull(http);
        var settings = options.Value;
        var target = loopback.Target();
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
        return new SqlSessionOptions
        {
            Serving = target is ({ } address, var handler) ? new ServingConnection(address, token, handler) : null,
            Lockdown = settings.Lockdown(),
            Ai = settings.Ai(),
            Tables = NodeTableSource.For(http),
            StatementId = statementId,
        };
    }

    /// <summary>Starts <paramref name="statement"/> in the background; it ends on its own (see <see cref="SqlStatement.Done"/>).</summary>
    /// <param name="statement">A pending statement.</param>
    /// <param name="session">Its session settings (<see cref="SessionFor"/>).</param>
    public void Start(SqlStatement statement, SqlSessionOptions session)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(session);
        _ = Task.Run(() => RunAsync(statement, session));
    }

    /// <inheritdoc />
    public void Dispose() => slots.Dispose();

    private async Task RunAsync(SqlStatement statement, SqlSessionOptions session)
    {
        var limit = session.Lockdown?.Timeout ?? options.Value.StatementTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(statement.CancelToken);
        try
        {
            await slots.WaitAsync(statement.CancelToken);
            try
            {
                if (!statement.TryStart())
                {
                    statement.End(SqlStatement.Canceled);
                    return;
                }

                deadline.CancelAfter(limit);
                using var sql = SqlSession.Open(session);
                var result = await sql.ExecuteAsync(statement.Text, deadline.Token);
                statement.End(SqlStatement.Succeeded, result);
            }
            finally
            {
                slots.Release();
            }
        }
        catch (Exception) when (statement.CancelRequested)
        {
            statement.End(SqlStatement.Canceled);
        }
        catch (Exception) when (deadline.IsCancellationRequested)
        {
            statement.End(SqlStatement.Failed, error: Error("DEADLINE_EXCEEDED",
                $"The statement ran longer than the node's time limit of {limit} ({SqlStatementOptions.Section}:StatementTimeout) and was interrupted."));
        }
        catch (Exception e) when (e is SqlException or ModelplaneApiException)
        {
            statement.End(SqlStatement.Failed, error: Error("BAD_REQUEST", e.Message));
        }
        catch (Exception e)
        {
            logger.LogError(e, "SQL statement {StatementId} failed unexpectedly.", statement.Id);
            statement.End(SqlStatement.Failed, error: Error("INTERNAL_ERROR", $"The statement failed unexpectedly: {e.Message}"));
        }
    }

    private static StatementError Error(string code, string message) => new() { ErrorCode = code, Message = message };
}
