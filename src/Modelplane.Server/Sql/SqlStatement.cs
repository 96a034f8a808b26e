using Modelplane.Client;
using Modelplane.Sql;

namespace Modelplane.Server.Sql;

/// <summary>
/// One submitted statement and its life: <c>PENDING</c> (waiting for a slot) → <c>RUNNING</c> → <c>SUCCEEDED</c>,
/// <c>FAILED</c> or <c>CANCELED</c>. Thread-safe: the runner moves it on while requests read it.
/// </summary>
public sealed class SqlStatement : IDisposable
{
    /// <summary>Queued: waiting for one of <see cref="SqlStatementOptions.MaxConcurrentStatements"/> slots.</summary>
    public const string Pending = "PENDING";

    /// <summary>DuckDB is running it.</summary>
    public const string Running = "RUNNING";

    /// <summary>Done; the result is readable.</summary>
    public const string Succeeded = "SUCCEEDED";

    /// <summary>DuckDB refused or failed it, or it ran past the time limit.</summary>
    public const string Failed = "FAILED";

    /// <summary>Canceled by its submitter, an admin or <c>on_wait_timeout = CANCEL</c>.</summary>
    public const string Canceled = "CANCELED";

    private readonly Lock gate = new();
    private readonly CancellationTokenSource cancel = new();
    private readonly TaskCompletionSource done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Creates a pending statement.</summary>
    /// <param name="id">Its id (a UUID).</param>
    /// <param name="ownerId">The submitter's principal id.</param>
    /// <param name="text">The SQL text.</param>
    /// <param name="rowLimit">The most rows to answer, or null for all.</param>
    public SqlStatement(string id, string ownerId, string text, long? rowLimit)
    {
        Id = id;
        OwnerId = ownerId;
        Text = text;
        RowLimit = rowLimit;
    }

    /// <summary>The statement's id.</summary>
    public string Id { get; }

    /// <summary>The submitter's principal id.</summary>
    public string OwnerId { get; }

    /// <summary>The SQL text.</summary>
    public string Text { get; }

    /// <summary>The most rows to answer, or null for all.</summary>
    public long? RowLimit { get; }

    /// <summary>The current state.</summary>
    public string State { get; private set; } = Pending;

    /// <summary>Why it failed (when <see cref="Failed"/>).</summary>
    public StatementError? Error { get; private set; }

    /// <summary>What it produced (when <see cref="Succeeded"/>).</summary>
    public SqlResult? Result { get; private set; }

    /// <summary>When it ended, or null while pending or running.</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    /// <summary>Cancelled by a cancel request (not by the time limit).</summary>
    public CancellationToken CancelToken => cancel.Token;

    /// <summary>Completes when the statement ends.</summary>
    public Task Done => done.Task;

    /// <summary>Whether <see cref="RequestCancel"/> was called before it ended.</summary>
    public bool CancelRequested => cancel.IsCancellationRequested;

    /// <summary>Asks the statement to stop; a pending one never starts, a running one is interrupted. No-op once ended.</summary>
    public void RequestCancel()
    {
        lock (gate)
        {
            if (EndedAt is null)
            {
                cancel.Cancel();
            }
        }
    }

    /// <summary>Moves <see cref="Pending"/> → <see cref="Running"/>; false when it was canceled meanwhile.</summary>
    public bool TryStart()
    {
        lock (gate)
        {
            if (State != Pending || cancel.IsCancellationRequested)
            {
                return false;
            }

            State = Running;
            return true;
        }
    }

    /// <summary>Ends the statement (the first end wins).</summary>
    /// <param name="state"><see cref="Succeeded"/>, <see cref="Failed"/> or <see cref="Canceled"/>.</param>
    /// <param name="result">The result, when succeeded.</param>
    /// <param name="error">The error, when failed.</param>
    public void End(string state, SqlResult? result = null, StatementError? error = null)
    {
        lock (gate)
        {
            if (EndedAt is not null)
            {
                return;
            }

            (State, Result, Error, EndedAt) = (state, result, error, DateTimeOffset.UtcNow);
        }

        done.TrySetResult();
    }

    /// <summary>A consistent view of state, result and error.</summary>
    public (string State, SqlResult? Result, StatementError? Error) Snapshot()
    {
        lock (gate)
        {
            return (State, Result, Error);
        }
    }

    /// <inheritdoc />
    public void Dispose() => cancel.Dispose();
}
