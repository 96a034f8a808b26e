using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;

namespace Modelplane.Sql.Tables;

/// <summary>
/// Creates one node table in a session's in-memory DuckDB and appends its rows with DuckDB.NET's appender (no files,
/// so nothing needs file access once the session is locked down). The table is created under its own catalog
/// (<c>ATTACH ':memory:' AS &lt;catalog&gt;</c> + <c>CREATE SCHEMA</c>) unless DuckDB reserves that name
/// (<c>system</c>, <c>main</c>, <c>temp</c>, and <c>memory</c>, the session's own database): those load under
/// <c>modelplane_&lt;catalog&gt;</c> and the statement's references are rewritten to it.
/// </summary>
internal static class SqlTableLoader
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase) { "system", "main", "temp", "memory" };

    /// <summary>The catalog a table of catalog <paramref name="catalog"/> is loaded under.</summary>
    public static string CatalogFor(string catalog) => Reserved.Contains(catalog) ? "modelplane_" + catalog : catalog;

    /// <summary>Creates (or replaces) the table and appends the rows; returns the catalog it was loaded under.</summary>
    /// <exception cref="SqlException">A value does not fit its column's type, or DuckDB refused the table.</exception>
    public static string Load(DuckDBConnection connection, SqlTableName name, SqlTableData data)
    {
        var catalog = CatalogFor(name.Catalog);
        var columns = string.Join(", ", data.Columns.Select(c => $"{Quote(c.Name)} {c.Type}"));
        try
        {
            Run(connection, $"ATTACH IF NOT EXISTS ':memory:' AS {Quote(catalog)}");
            Run(connection, $"CREATE SCHEMA IF NOT EXISTS {Quote(catalog)}.{Quote(name.Schema)}");
            Run(connection, $"CREATE OR REPLACE TABLE {Quote(catalog)}.{Quote(name.Schema)}.{Quote(name.Table)} ({columns})");
            using var appender = connection.CreateAppender(catalog, name.Schema, name.Table);
            foreach (var row in data.Rows)
            {
                var line = appender.CreateRow();
                foreach (var column in data.Columns)
                {
                    Append(line, column, row[column.Name], name);
                }

                line.EndRow();
            }
        }
        catch (DuckDBException e)
        {
            throw new SqlException($"Loading {name}: {e.Message.Trim()}", e);
        }

        return catalog;
    }

    /// <summary>An identifier in double quotes (<c>"</c> doubled).</summary>
    public static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static void Append(IDuckDBAppenderRow line, SqlColumn column, JsonNode? value, SqlTableName table)
    {
        if (value is null || value.GetValueKind() == JsonValueKind.Null)
        {
            line.AppendNullValue();
            return;
        }

        try
        {
            _ = column.Type switch
            {
                "INTEGER" => line.AppendValue(value.GetValue<int>()),
                "BIGINT" => line.AppendValue(value.GetValue<long>()),
                "DOUBLE" => line.AppendValue(value.GetValue<double>()),
                "BOOLEAN" => line.AppendValue(value.GetValue<bool>()),
                "DATE" => line.AppendValue(DateOnly.ParseExact(value.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture)),
                "TIMESTAMP WITH TIME ZONE" => line.AppendValue(DateTimeOffset.Parse(value.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).UtcDateTime),
                _ => line.AppendValue(value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : value.ToJsonString()),
            };
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or OverflowException)
        {
            throw new SqlException($"Loading {table}: column '{column.Name}' holds {value.ToJsonString()}, which is not a {column.Type}.", e);
        }
    }

    private static void Run(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
