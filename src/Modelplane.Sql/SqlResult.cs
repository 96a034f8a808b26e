namespace Modelplane.Sql;

/// <summary>One result column: its name and DuckDB type name (e.g. <c>VARCHAR</c>, <c>DOUBLE</c>, <c>STRUCT(a INTEGER)</c>).</summary>
/// <param name="Name">The column name.</param>
/// <param name="Type">The DuckDB type, as <c>typeof</c> prints it.</param>
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
public sealed record SqlResult(IReadOnlyList<SqlColumn> Columns, IReadOnlyList<object?[]> Rows, long RowsAffected);
