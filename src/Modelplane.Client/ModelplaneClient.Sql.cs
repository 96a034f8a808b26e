namespace Modelplane.Client;

/// <summary>
/// The node's Statement Execution API (Databricks <c>/api/2.0/sql/statements</c>, docs/sql-statements.md): DuckDB SQL
/// run by the node, locked down, as the caller (the AI functions call endpoints with the caller's token). Any
/// authenticated caller may submit; only the submitter or an admin sees or cancels a statement (others get 404).
/// Errors throw <see cref="ModelplaneApiException"/>: 400 naming the request field at fault, 404 for an unknown (or
/// expired, or someone else's) statement. A statement that fails is not an error of the call: it answers 200 with
/// <c>status.state = FAILED</c> and <c>status.error</c>.
/// </summary>
public sealed partial class ModelplaneClient
{
    private const string StatementsPath = "api/2.0/sql/statements";

    /// <summary>
    /// <c>POST /api/2.0/sql/statements</c>: submits a statement and waits up to <see cref="StatementRequest.WaitTimeout"/>
    /// (node default 10 s) for it. The answer is <c>SUCCEEDED</c> with <c>manifest</c> and <c>result</c>,
    /// <c>FAILED</c>, <c>CANCELED</c>, or still <c>PENDING</c>/<c>RUNNING</c> (then poll <see cref="GetStatementAsync"/>).
    /// </summary>
    /// <param name="request">The statement and how to wait.</param>
    /// <param name="cancellationToken">Cancels the call (not the statement: use <see cref="CancelStatementAsync"/>).</param>
    /// <exception cref="ModelplaneApiException">400 naming <c>statement</c>, <c>wait_timeout</c>, <c>on_wait_timeout</c>,
    /// <c>disposition</c>, <c>format</c>, <c>row_limit</c> or <c>parameters</c>.</exception>
    public Task<StatementResponse> ExecuteStatementAsync(StatementRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SendAsync<StatementResponse>(HttpMethod.Post, StatementsPath, request, cancellationToken);
    }

    /// <summary>Submits <paramref name="statement"/> with the node's defaults (wait 10 s, then continue in the background).</summary>
    /// <param name="statement">The SQL text.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<StatementResponse> ExecuteStatementAsync(string statement, CancellationToken cancellationToken = default) =>
        ExecuteStatementAsync(new StatementRequest { Statement = statement }, cancellationToken);

    /// <summary><c>GET /api/2.0/sql/statements/{id}</c>: the statement's state, and its result once <c>SUCCEEDED</c>.</summary>
    /// <param name="statementId">The id from <see cref="ExecuteStatementAsync(StatementRequest, CancellationToken)"/>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ModelplaneApiException">404 for an unknown, expired or someone else's statement.</exception>
    public Task<StatementResponse> GetStatementAsync(string statementId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(statementId);
        return SendAsync<StatementResponse>(HttpMethod.Get, $"{StatementsPath}/{Escape(statementId)}", null, cancellationToken);
    }

    /// <summary>
    /// <c>POST /api/2.0/sql/statements/{id}/cancel</c>: asks the node to interrupt the statement; it then ends
    /// <c>CANCELED</c> (poll <see cref="GetStatementAsync"/> to see it). Canceling an ended statement does nothing.
    /// </summary>
    /// <param name="statementId">The statement's id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="ModelplaneApiException">404 for an unknown, expired or someone else's statement.</exception>
    public async Task CancelStatementAsync(string statementId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(statementId);
        await SendAsync<System.Text.Json.JsonElement>(HttpMethod.Post, $"{StatementsPath}/{Escape(statementId)}/cancel", null, cancellationToken);
    }
}
