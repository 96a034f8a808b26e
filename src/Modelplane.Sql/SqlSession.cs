using DuckDB.NET.Data;

namespace Modelplane.Sql;

/// <summary>
/// An in-memory DuckDB database for one statement (DuckDB.NET.Data.Full), shared by <c>modelplane sql</c> and the node's
/// Statement Execution API. Statements read CSV, Parquet and JSON files (<c>read_csv</c>, <c>read_parquet</c>,
/// <c>read_json</c>, or a quoted path in <c>FROM</c>), write with <c>COPY … TO</c>, call the AI functions
/// (<see cref="Ai.AiFunctions"/>) and read the node's tables (<see cref="SqlTables"/>). Relative paths that are read resolve
/// against <see cref="SqlSessionOptions.WorkingDirectory"/> (DuckDB's <c>file_search_path</c>); <c>COPY … TO</c> writes
/// relative to the process's current directory. Order per statement: register functions → load the referenced node
/// tables → lock down (<see cref="SqlSessionOptions.Lockdown"/>) → run. Not thread-safe: one statement per session.
/// </summary>
public sealed class SqlSession : IDisposable
{
    private readonly DuckDBConnection connection;
    private readonly SqlSessionOptions options;
    private readonly Ai.ServingCaller? serving;

    private SqlSession(DuckDBConnection connection, SqlSessionOptions options, Ai.ServingCaller? serving)
    {
        this.connection = connection;
        this.options = options;
        this.serving = serving;
    }

    /// <summary>The session's settings.</summary>
    public SqlSessionOptions Options => options;

    /// <summary>Opens a session and registers the AI functions.</summary>
    /// <param name="options">Paths, the node to call, tables, lockdown.</param>
    public static SqlSession Open(SqlSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connection = new DuckDBConnection("DataSource=:memory:");
        connection.Open();
        var serving = options.Serving is { } node ? new Ai.ServingCaller(node, options.Ai, options.StatementId, options.Progress) : null;
        var session = new SqlSession(connection, options, serving);
        if (options.WorkingDirectory is { } dir)
        {
            session.Run($"SET file_search_path = '{dir.Replace("'", "''", StringComparison.Ordinal)}'");
        }

        session.Run("SET enable_progress_bar = true; SET enable_progress_bar_print = false"); // Feeds GetQueryProgress (Progress.Fraction).
        Ai.AiFunctions.Register(connection, options, serving);
        return session;
    }

    /// <summary>
    /// Runs one statement (or several separated by <c>;</c>: the last one's result is answered), after loading the node
    /// tables it names and applying the lockdown.
    /// </summary>
    /// <param name="statement">SQL text.</param>
    /// <param name="cancellationToken">Cancels a running statement (DuckDB interrupts it).</param>
    /// <exception cref="SqlException">The statement failed: DuckDB's message (syntax, catalog, binder, I/O, permission…),
    /// or a node table the caller may not read.</exception>
    public async Task<SqlResult> ExecuteAsync(string statement, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(statement);
        statement = await SqlTables.LoadAsync(connection, statement, options.Tables, cancellationToken);
        SqlLockdownSettings.Apply(connection, options.Lockdown);
        using var command = connection.CreateCommand();
        command.CommandText = statement;
        command.UseStreamingMode = options.MaxResultRows is not null; // Stream so a capped read stops DuckDB producing rows.
        await using var fraction = new Timer(_ => options.Progress.Fraction = connection.GetQueryProgress().Percentage is var p and >= 0 ? p / 100 : null, null, 250, 250);

        // DuckDB.NET watches the token only while the first statement starts; later ones (NextResult) and the model calls
        // the AI functions wait for inside a callback need the interrupt and the abort for the whole run.
        await using var interrupt = cancellationToken.Register(() =>
        {
            serving?.Abort();
            command.Cancel();
        });
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var result = await ReadResultAsync(reader, options.MaxResultRows, cancellationToken);
            while (await reader.NextResultAsync(cancellationToken))
            {
                result = await ReadResultAsync(reader, options.MaxResultRows, cancellationToken); // Several statements: the last one's result.
            }

            cancellationToken.ThrowIfCancellationRequested();
            return result;
        }
        catch (DuckDBException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SqlException(e.Message.Trim(), e);
        }
        catch (DuckDBException e)
        {
            throw new OperationCanceledException("The statement was interrupted.", e, cancellationToken);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        connection.Dispose();
        serving?.Dispose();
    }

    private static async Task<SqlResult> ReadResultAsync(System.Data.Common.DbDataReader reader, long? maxRows, CancellationToken cancellationToken)
    {
        var columns = new List<SqlColumn>(reader.FieldCount);
        for (var i = 0; i < reader.FieldCount; i++)
        {
            columns.Add(new SqlColumn(reader.GetName(i), reader.GetDataTypeName(i)));
        }

        var rows = new List<object?[]>();
        var truncated = false;
        while (await reader.ReadAsync(cancellationToken))
        {
            if (rows.Count >= maxRows)
            {
                truncated = true; // The rest stays in DuckDB and is dropped with the reader.
                break;
            }

            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : Read(reader, i);
            }

            rows.Add(row);
        }

        return new SqlResult(columns, rows, reader.RecordsAffected) { Truncated = truncated };
    }

    private static byte[] ReadAll(Stream blob)
    {
        using (blob)
        {
            using var copy = new MemoryStream();
            blob.CopyTo(copy);
            return copy.ToArray();
        }
    }

    /// <summary>
    /// One value (a BLOB as its bytes). DuckDB.NET reads a LIST of a value type as <c>List&lt;T&gt;</c> and refuses one holding NULLs; those are
    /// read again as <c>List&lt;T?&gt;</c>. NULLs nested deeper (a list inside a STRUCT) it cannot read at all: that is a
    /// clear error naming the column and the workaround.
    /// </summary>
    private static object? Read(System.Data.Common.DbDataReader reader, int i)
    {
        try
        {
            return reader.GetValue(i) switch
            {
                Stream blob => ReadAll(blob), // BLOB: DuckDB.NET answers a stream over the value.
                var value => value,
            };
        }
        catch (InvalidCastException) when (reader.GetFieldType(i) is { IsGenericType: true } type
            && type.GetGenericTypeDefinition() == typeof(List<>) && type.GetGenericArguments()[0] is { IsValueType: true } element
            && Nullable.GetUnderlyingType(element) is null)
        {
            var nullable = typeof(List<>).MakeGenericType(typeof(Nullable<>).MakeGenericType(element));
            return typeof(System.Data.Common.DbDataReader).GetMethod(nameof(reader.GetFieldValue))!.MakeGenericMethod(nullable).Invoke(reader, [i]);
        }
        catch (InvalidCastException e)
        {
            throw new SqlException(
                $"Column '{reader.GetName(i)}' holds NULLs nested inside a {reader.GetDataTypeName(i)} value, which the DuckDB .NET reader cannot read; select to_json({reader.GetName(i)}) instead.", e);
        }
    }

    private void Run(string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>A statement DuckDB refused or failed to run; the message is DuckDB's (e.g. <c>Catalog Error: Table … does not exist!</c>).</summary>
/// <param name="message">DuckDB's message.</param>
/// <param name="inner">The DuckDB exception.</param>
public sealed class SqlException(string message, Exception? inner = null) : Exception(message, inner);
