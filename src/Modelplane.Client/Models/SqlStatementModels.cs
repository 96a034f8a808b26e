using System.Text.Json;

namespace Modelplane.Client;

/// <summary>
/// Body of <c>POST /api/2.0/sql/statements</c> (Databricks Statement Execution API 2.0, docs/sql-statements.md):
/// <c>{"statement", "wait_timeout"?, "on_wait_timeout"?, "disposition"?, "format"?, "row_limit"?, "warehouse_id"?,
/// "parameters"?}</c>. The node runs DuckDB SQL; it answers <c>INLINE</c> <c>JSON_ARRAY</c> results only.
/// </summary>
public sealed record StatementRequest
{
    /// <summary>The SQL text (DuckDB dialect); several statements separated by <c>;</c> answer the last one's result.</summary>
    public string? Statement { get; init; }

    /// <summary>How long the call waits for the result: <c>"0s"</c> (answer at once) or <c>"5s"</c>–<c>"50s"</c>; node default <c>"10s"</c>.</summary>
    public string? WaitTimeout { get; init; }

    /// <summary>What happens when <see cref="WaitTimeout"/> passes first: <c>CONTINUE</c> (default: poll with
    /// <c>GET</c>) or <c>CANCEL</c> (the statement is canceled and answered <c>CANCELED</c>).</summary>
    public string? OnWaitTimeout { get; init; }

    /// <summary><c>INLINE</c>, the only disposition served (<c>EXTERNAL_LINKS</c> is refused with 400).</summary>
    public string? Disposition { get; init; }

    /// <summary><c>JSON_ARRAY</c>, the only format served (<c>ARROW_STREAM</c>, <c>CSV</c> are refused with 400).</summary>
    public string? Format { get; init; }

    /// <summary>The most rows answered; more set <see cref="ResultManifest.Truncated"/>. At least 1 when given.</summary>
    public long? RowLimit { get; init; }

    /// <summary>Accepted for Databricks compatibility and ignored: the node has one DuckDB engine.</summary>
    public string? WarehouseId { get; init; }

    /// <summary>Named parameters (<c>[{"name", "value", "type"}]</c>); not supported: a non-empty list is refused with 400.</summary>
    public IReadOnlyList<JsonElement>? Parameters { get; init; }
}

/// <summary>
/// A statement's answer to <c>POST /api/2.0/sql/statements</c> and <c>GET /api/2.0/sql/statements/{id}</c>:
/// <c>{"statement_id", "status": {"state", "error"?}, "manifest"?, "result"?}</c>; <c>manifest</c> and <c>result</c>
/// come once the state is <c>SUCCEEDED</c>.
/// </summary>
public sealed record StatementResponse
{
    /// <summary>The statement's id (a UUID), for <c>GET</c> and <c>cancel</c>.</summary>
    public string? StatementId { get; init; }

    /// <summary>Where the statement is.</summary>
    public StatementStatus? Status { get; init; }

    /// <summary>The result's columns and row count (when <c>SUCCEEDED</c>).</summary>
    public ResultManifest? Manifest { get; init; }

    /// <summary>The rows (when <c>SUCCEEDED</c>): one chunk holding them all.</summary>
    public ResultData? Result { get; init; }
}

/// <summary><c>{"state", "error"?}</c>.</summary>
public sealed record StatementStatus
{
    /// <summary><c>PENDING</c> (queued), <c>RUNNING</c>, <c>SUCCEEDED</c>, <c>FAILED</c>, <c>CANCELED</c> or <c>CLOSED</c>.</summary>
    public string? State { get; init; }

    /// <summary>Why a <c>FAILED</c> statement failed.</summary>
    public StatementError? Error { get; init; }
}

/// <summary><c>{"error_code", "message"}</c>: <c>BAD_REQUEST</c> with DuckDB's message for a statement DuckDB refused,
/// <c>DEADLINE_EXCEEDED</c> past the node's time limit, <c>INTERNAL_ERROR</c> otherwise.</summary>
public sealed record StatementError
{
    /// <summary>Databricks' <c>ServiceErrorCode</c>.</summary>
    public string? ErrorCode { get; init; }

    /// <summary>The reason, e.g. <c>Catalog Error: Table with name t does not exist!</c>.</summary>
    public string? Message { get; init; }
}

/// <summary><c>{"format": "JSON_ARRAY", "schema", "total_row_count", "total_chunk_count", "chunks", "truncated"}</c>.</summary>
public sealed record ResultManifest
{
    /// <summary>Always <c>JSON_ARRAY</c>.</summary>
    public string? Format { get; init; }

    /// <summary>The columns.</summary>
    public ResultSchema? Schema { get; init; }

    /// <summary>Rows answered (after <see cref="StatementRequest.RowLimit"/>).</summary>
    public long? TotalRowCount { get; init; }

    /// <summary>Always 1: the rows come in one inline chunk.</summary>
    public int? TotalChunkCount { get; init; }

    /// <summary>The one chunk's position: <c>[{"chunk_index": 0, "row_offset": 0, "row_count"}]</c>.</summary>
    public IReadOnlyList<ResultChunk>? Chunks { get; init; }

    /// <summary>True when <see cref="StatementRequest.RowLimit"/> cut rows off.</summary>
    public bool? Truncated { get; init; }
}

/// <summary><c>{"column_count", "columns"}</c>.</summary>
public sealed record ResultSchema
{
    /// <summary>The number of columns.</summary>
    public int? ColumnCount { get; init; }

    /// <summary>The columns, in order.</summary>
    public IReadOnlyList<ResultColumn>? Columns { get; init; }
}

/// <summary><c>{"name", "position", "type_name", "type_text"}</c>.</summary>
public sealed record ResultColumn
{
    /// <summary>The column name.</summary>
    public string? Name { get; init; }

    /// <summary>Its position, from 0.</summary>
    public int? Position { get; init; }

    /// <summary>Databricks' type name: <c>BOOLEAN</c>, <c>BYTE</c>, <c>SHORT</c>, <c>INT</c>, <c>LONG</c>, <c>FLOAT</c>,
    /// <c>DOUBLE</c>, <c>DECIMAL</c>, <c>STRING</c>, <c>BINARY</c>, <c>DATE</c>, <c>TIMESTAMP</c>, <c>INTERVAL</c>,
    /// <c>ARRAY</c>, <c>STRUCT</c>, <c>MAP</c> or <c>NULL</c>.</summary>
    public string? TypeName { get; init; }

    /// <summary>The DuckDB type, upper-case, as the node's DuckDB reader names it (e.g. <c>INTEGER</c>, <c>VARCHAR</c>,
    /// <c>DECIMAL</c>, <c>LIST</c>, <c>STRUCT</c>).</summary>
    public string? TypeText { get; init; }
}

/// <summary><c>{"chunk_index", "row_offset", "row_count"}</c>.</summary>
public sealed record ResultChunk
{
    /// <summary>Always 0.</summary>
    public int? ChunkIndex { get; init; }

    /// <summary>Always 0.</summary>
    public long? RowOffset { get; init; }

    /// <summary>Rows in the chunk.</summary>
    public long? RowCount { get; init; }
}

/// <summary>
/// <c>{"chunk_index": 0, "row_offset": 0, "row_count", "data_array"}</c>: in <c>JSON_ARRAY</c> every value is a string
/// or null, as Databricks writes it (numbers in invariant culture, booleans <c>true</c>/<c>false</c>, timestamps
/// ISO-8601, BLOBs base64, LIST/STRUCT/MAP as JSON text).
/// </summary>
public sealed record ResultData
{
    /// <summary>Always 0.</summary>
    public int? ChunkIndex { get; init; }

    /// <summary>Always 0.</summary>
    public long? RowOffset { get; init; }

    /// <summary>Rows in <see cref="DataArray"/>.</summary>
    public long? RowCount { get; init; }

    /// <summary>The rows, each an array of strings or nulls, one per column.</summary>
    public IReadOnlyList<IReadOnlyList<string?>>? DataArray { get; init; }
}
