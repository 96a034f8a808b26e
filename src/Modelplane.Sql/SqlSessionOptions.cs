namespace Modelplane.Sql;

/// <summary>
/// Settings of one SQL session (one statement run by <c>modelplane sql</c> or the node's Statement Execution API; both use
/// the same <see cref="SqlSession"/>).
/// </summary>
public sealed record SqlSessionOptions
{
    /// <summary>Directory that relative paths read from resolve against; null for the process's current directory.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>
    /// The node the AI functions (<c>ai_query</c>, <c>ai_summarize</c>, …) call, and as whom; null when the session has
    /// none (the functions then fail with a message saying how to give one).
    /// </summary>
    public ServingConnection? Serving { get; init; }

    /// <summary>Batching, concurrency, retries and default endpoints of the AI functions.</summary>
    public AiFunctionOptions Ai { get; init; } = new();

    /// <summary>
    /// Where the node's tables (<c>system.serving.endpoint_usage</c>, <c>system.serving.served_entities</c>,
    /// <c>&lt;catalog&gt;.&lt;schema&gt;.&lt;prefix&gt;_payload</c>) come from, read with the caller's rights; null for none.
    /// </summary>
    public ISqlTableSource? Tables { get; init; }

    /// <summary>The lockdown applied after the session is prepared (the node's); null for none (the CLI's).</summary>
    public SqlLockdown? Lockdown { get; init; }

    /// <summary>
    /// The most result rows read into memory (the node's cap; a statement's <c>row_limit</c> below it); past it the
    /// result is <see cref="SqlResult.Truncated"/>. Null reads every row (the CLI).
    /// </summary>
    public long? MaxResultRows { get; init; }

    /// <summary>The statement's id: sent as <c>usage_context.statement_id</c> on every model call (usage tracking).</summary>
    public string StatementId { get; init; } = Guid.NewGuid().ToString("D");

    /// <summary>Counters the AI functions update while the statement runs (the CLI's progress bar, the node's status).</summary>
    public SqlProgress Progress { get; init; } = new();
}

/// <summary>The node the AI functions call and the caller's credentials.</summary>
/// <param name="BaseAddress">The node's base URL, e.g. <c>http://127.0.0.1:8080/</c>.</param>
/// <param name="Token">The caller's bearer token (a personal access token or an OIDC JWT), sent on every model call.</param>
/// <param name="Handler">The transport (a custom CA, the node's own certificate, tests); null for a default handler. Not disposed by the session.</param>
public sealed record ServingConnection(Uri BaseAddress, string? Token, HttpMessageHandler? Handler = null);

/// <summary>How the AI functions call serving endpoints.</summary>
public sealed record AiFunctionOptions
{
    /// <summary>Rows per model call for custom models (one <c>dataframe_split</c> each) and embeddings (one <c>input</c>
    /// array each); DuckDB hands a function up to 2048 rows at a time, split into chunks of this size. Default 512.</summary>
    public int BatchRows { get; init; } = 512;

    /// <summary>Model calls in flight at once per statement (LLM rows are one call each). Default 8.</summary>
    public int MaxConcurrentRequests { get; init; } = 8;

    /// <summary>Attempts per model call: 429 and 503 are retried, waiting the answer's <c>Retry-After</c> (else
    /// exponential backoff from 1 s). Default 6.</summary>
    public int MaxAttempts { get; init; } = 6;

    /// <summary>The longest single wait between attempts; a longer <c>Retry-After</c> fails the call. Default 60 s.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The chat endpoint of the task functions (<c>ai_gen</c>, <c>ai_summarize</c>, …); null when unset.</summary>
    public string? DefaultChatEndpoint { get; init; }

    /// <summary>The embeddings endpoint of <c>ai_similarity</c>; null when unset.</summary>
    public string? DefaultEmbeddingEndpoint { get; init; }
}

/// <summary>
/// The node's DuckDB lockdown, applied after the caller's tables are loaded and before the statement runs:
/// <c>enable_external_access=false</c> except <see cref="AllowedDirectories"/>, no extension installs or loads,
/// <c>lock_configuration=true</c>, a memory limit and a time limit.
/// </summary>
public sealed record SqlLockdown
{
    /// <summary>Directories statements may read and <c>COPY … TO</c> (absolute paths); empty for none.</summary>
    public IReadOnlyList<string> AllowedDirectories { get; init; } = [];

    /// <summary>DuckDB's <c>memory_limit</c> per statement, e.g. <c>1GB</c>. Default 1GB.</summary>
    public string MemoryLimit { get; init; } = "1GB";

    /// <summary>DuckDB's <c>max_temp_directory_size</c>: how much a statement may spill to disk past
    /// <see cref="MemoryLimit"/>, e.g. <c>2GB</c>. Default 2GB.</summary>
    public string MaxTempDirectorySize { get; init; } = "2GB";

    /// <summary>DuckDB's <c>threads</c> per statement. Default 2.</summary>
    public int Threads { get; init; } = 2;

    /// <summary>The statement's time limit; past it the statement is interrupted and fails. Default 10 minutes.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(10);
}

/// <summary>
/// A source of the node's tables for SQL: rows already filtered to what the caller may read. The CLI's reads them
/// through the node's API; the node's reads its own files.
/// </summary>
public interface ISqlTableSource
{
    /// <summary>
    /// The rows of <paramref name="name"/> (a three-part name as written in the statement, lower-cased), or null when
    /// it is not a table this source serves (DuckDB then resolves the name itself).
    /// </summary>
    /// <param name="name">The table's three-part name.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="SqlException">The caller may not read the table (the message names it and the level needed).</exception>
    Task<SqlTableData?> ReadAsync(SqlTableName name, CancellationToken cancellationToken);
}

/// <summary>A three-part table name, <c>catalog.schema.table</c>.</summary>
/// <param name="Catalog">Catalog, e.g. <c>system</c>.</param>
/// <param name="Schema">Schema, e.g. <c>serving</c>.</param>
/// <param name="Table">Table, e.g. <c>endpoint_usage</c>.</param>
public sealed record SqlTableName(string Catalog, string Schema, string Table)
{
    /// <inheritdoc />
    public override string ToString() => $"{Catalog}.{Schema}.{Table}";
}

/// <summary>A node table's rows as JSON objects (column name → value) and its columns with DuckDB types.</summary>
/// <param name="Columns">The columns, typed (so an empty table still has them).</param>
/// <param name="Rows">The rows.</param>
public sealed record SqlTableData(IReadOnlyList<SqlColumn> Columns, IReadOnlyList<System.Text.Json.Nodes.JsonObject> Rows);

/// <summary>
/// Live counters of a running statement's AI functions (thread-safe; read while the statement runs). Rows are counted
/// once their answer (or error) is in.
/// </summary>
public sealed class SqlProgress
{
    private long rowsDone;
    private long rowsFailed;
    private long modelCalls;
    private long retries;

    /// <summary>Rows the AI functions have answered, errors included.</summary>
    public long RowsDone => Interlocked.Read(ref rowsDone);

    /// <summary>Rows answered with an error (returned per row when <c>failOnError := false</c>).</summary>
    public long RowsFailed => Interlocked.Read(ref rowsFailed);

    /// <summary>Model calls sent (each batch or LLM row once, however many attempts).</summary>
    public long ModelCalls => Interlocked.Read(ref modelCalls);

    /// <summary>Attempts repeated after a 429 or 503.</summary>
    public long Retries => Interlocked.Read(ref retries);

    /// <summary>DuckDB's own estimate of the statement's progress, 0–1; null while unknown.</summary>
    public double? Fraction { get; set; }

    /// <summary>Counts answered rows.</summary>
    /// <param name="done">Rows answered.</param>
    /// <param name="failed">Of those, rows answered with an error.</param>
    public void AddRows(long done, long failed)
    {
        Interlocked.Add(ref rowsDone, done);
        Interlocked.Add(ref rowsFailed, failed);
    }

    /// <summary>Counts a model call.</summary>
    public void AddCall() => Interlocked.Increment(ref modelCalls);

    /// <summary>Counts a retried attempt.</summary>
    public void AddRetry() => Interlocked.Increment(ref retries);
}
