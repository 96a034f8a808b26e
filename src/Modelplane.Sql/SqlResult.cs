namespace Modelplane.Sql;

/// <summary>One result column: its name and type name.</summary>
/// <param name="Name">The column name.</param>
/// <param name="Type">The type as DuckDB.NET names it for a result (<c>Varchar</c>, <c>Double</c>, <c>Struct</c>, <c>List</c>:
/// no precision or inner types; use SQL's <c>typeof(…)</c> for the full DuckDB type). Node tables' columns
/// (<see cref="NodeTableSchemas"/>) carry full DuckDB types (<c>TIMESTAMP WITH TIME ZONE</c>).</param>
public sealed record SqlColumn(string Name, string Type);

/// <summary>
/// What a statement produced: its columns and rows (values as DuckDB.NET reads them: <see cref="string"/>, numbers,
/// <see cref="decimal"/>, <see cref="DateTime"/>, lists and <c>Dictionary&lt;string, object?&gt;</c> for STRUCT/MAP;
/// null for SQL NULL). A statement without a result set (<c>COPY … TO</c>, <c>CREATE</c>) has no columns and reports
/// <see cref="RowsAffected"/>.
/// </summary>
/// <param name="Columns">Columns in order.</param>
/// <param name="Rows">Rows, each with one value per column.</param>
/// <param name="RowsAffected">Rows written by a statement without a result set (DuckDB's count), else -1.</param>
public sealed record SqlResult(IReadOnlyList<SqlColumn> Columns, IReadOnlyList<object?[]> Rows, long RowsAffected)
{
    /// <summary>True when the statement produced more rows than <see cref="SqlSessionOptions.MaxResultRows"/>; only that
    /// many were read.</summary>
    public bool Truncated { get; init; }
}
