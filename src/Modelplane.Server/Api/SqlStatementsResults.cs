using Modelplane.Client;
using Modelplane.Server.Sql;
using Modelplane.Sql;

namespace Modelplane.Server.Api;

/// <summary>
/// A statement as the Statement Execution API answers it (<see cref="StatementResponse"/>): the state, the error, and
/// once <c>SUCCEEDED</c> the manifest and one inline <c>JSON_ARRAY</c> chunk, where every value is a string or null
/// (Databricks' JSON_ARRAY: numbers in invariant culture, booleans <c>true</c>/<c>false</c>, dates and timestamps
/// ISO-8601, BLOBs base64, LIST/STRUCT/MAP as compact JSON text).
/// </summary>
public static class SqlStatementsResults
{
    /// <summary>The answer for <paramref name="statement"/> as it is now.</summary>
    public static StatementResponse Response(SqlStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var (state, result, error) = statement.Snapshot();
        var response = new StatementResponse { StatementId = statement.Id, Status = new StatementStatus { State = state, Error = error } };
        if (state != SqlStatement.Succeeded || result is null)
        {
            return response;
        }

        var limit = statement.RowLimit ?? long.MaxValue;
        var rows = result.Rows.Count > limit ? result.Rows.Take((int)limit).ToList() : result.Rows;
        return response with
        {
            Manifest = new ResultManifest
            {
                Format = "JSON_ARRAY",
                Schema = new ResultSchema { ColumnCount = result.Columns.Count, Columns = [.. result.Columns.Select(Column)] },
                TotalRowCount = rows.Count,
                TotalChunkCount = 1,
                Chunks = [new ResultChunk { ChunkIndex = 0, RowOffset = 0, RowCount = rows.Count }],
                Truncated = result.Truncated || rows.Count < result.Rows.Count,
            },
            Result = new ResultData
            {
                ChunkIndex = 0,
                RowOffset = 0,
                RowCount = rows.Count,
                DataArray = [.. rows.Select(row => (IReadOnlyList<string?>)[.. row.Select(Text)])],
            },
        };
    }

    /// <summary>One value as JSON_ARRAY text (<see cref="SqlValues.ToText"/>: numbers invariant, nested values as JSON);
    /// null for SQL NULL.</summary>
    public static string? Text(object? value) => value is null or DBNull ? null : SqlValues.ToText(value);

    private static ResultColumn Column(SqlColumn column, int position)
    {
        var text = column.Type.ToUpperInvariant();
        var head = text.EndsWith(']') ? "LIST" : text.Split('(', 2)[0].Trim();
        return new ResultColumn
        {
            Name = column.Name,
            Position = position,
            TypeName = TypeName(head.Replace("_", "", StringComparison.Ordinal)),
            TypeText = text,
        };
    }

    /// <summary>Databricks' <c>type_name</c> of a DuckDB type name (DuckDB.NET's spelling or SQL's, upper-case, no
    /// parameters); types Databricks lacks (UUID, TIME, ENUM, BIT) are <c>STRING</c>, unsigned ones the next wider type.</summary>
    private static string TypeName(string duckDb) => duckDb switch
    {
        "BOOLEAN" => "BOOLEAN",
        "TINYINT" => "BYTE",
        "SMALLINT" or "UTINYINT" or "UNSIGNEDTINYINT" => "SHORT",
        "INTEGER" or "USMALLINT" or "UNSIGNEDSMALLINT" => "INT",
        "BIGINT" or "UINTEGER" or "UNSIGNEDINTEGER" => "LONG",
        "UBIGINT" or "UNSIGNEDBIGINT" or "HUGEINT" or "UHUGEINT" or "UNSIGNEDHUGEINT" or "VARINT" or "DECIMAL" => "DECIMAL",
        "FLOAT" => "FLOAT",
        "DOUBLE" => "DOUBLE",
        "BLOB" => "BINARY",
        "DATE" => "DATE",
        _ when duckDb.StartsWith("TIMESTAMP", StringComparison.Ordinal) => "TIMESTAMP",
        "INTERVAL" => "INTERVAL",
        "LIST" or "ARRAY" => "ARRAY",
        "STRUCT" => "STRUCT",
        "MAP" => "MAP",
        _ => "STRING",
    };
}
