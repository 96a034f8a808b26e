using DuckDB.NET.Data;

namespace Modelplane.Sql;

/// <summary>
/// Loads the node tables a statement names (<c>system.serving.endpoint_usage</c>, <c>system.serving.served_entities</c>,
/// <c>&lt;catalog&gt;.&lt;schema&gt;.&lt;prefix&gt;_payload</c>) from an <see cref="ISqlTableSource"/> into the session before
/// it is locked down.
/// </summary>
public static class SqlTables
{
    /// <summary>Loads the tables the statement names and returns the statement to run (rewritten where DuckDB needs it).</summary>
    /// <param name="connection">The session's connection (not yet locked down).</param>
    /// <param name="statement">The statement as given.</param>
    /// <param name="source">Where the rows come from; null for none.</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    public static Task<string> LoadAsync(DuckDBConnection connection, string statement, ISqlTableSource? source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        // TODO(helper): find three-part names, read them from the source, load them (the 'system' catalog name is reserved in DuckDB).
        return Task.FromResult(statement);
    }
}
