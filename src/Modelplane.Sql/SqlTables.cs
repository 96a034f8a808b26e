using System.Text;
using DuckDB.NET.Data;
using Modelplane.Sql.Tables;

namespace Modelplane.Sql;

/// <summary>
/// Loads the node tables a statement names (<c>system.serving.endpoint_usage</c>, <c>system.serving.served_entities</c>,
/// <c>&lt;catalog&gt;.&lt;schema&gt;.&lt;prefix&gt;_payload</c>) from an <see cref="ISqlTableSource"/> into the session before
/// it is locked down: the three-part names are found by <see cref="SqlNameScanner"/> (outside literals and comments),
/// each distinct one is asked of the source once, and the rows it answers become an in-memory DuckDB table typed by
/// <see cref="SqlTableData.Columns"/> (an empty table keeps its columns). Catalog names DuckDB reserves
/// (<c>system</c>, <c>main</c>, <c>temp</c>, <c>memory</c>) load under <c>modelplane_&lt;catalog&gt;</c>, and the statement's
/// references to those tables are rewritten to it.
/// </summary>
public static class SqlTables
{
    /// <summary>Loads the tables the statement names and returns the statement to run (rewritten where DuckDB needs it).</summary>
    /// <param name="connection">The session's connection (not yet locked down).</param>
    /// <param name="statement">The statement as given.</param>
    /// <param name="source">Where the rows come from; null for none (the statement is returned as it is).</param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <exception cref="SqlException">The source refused a table (the message names it and the right needed), or its
    /// rows do not fit the columns.</exception>
    public static async Task<string> LoadAsync(DuckDBConnection connection, string statement, ISqlTableSource? source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(statement);
        if (source is null)
        {
            return statement;
        }

        var loaded = new Dictionary<string, string?>(StringComparer.Ordinal); // Name → catalog loaded under (null: not the source's).
        var rewrites = new List<SqlNameReference>();
        foreach (var reference in SqlNameScanner.Find(statement))
        {
            var key = reference.Name.ToString();
            if (!loaded.TryGetValue(key, out var catalog))
            {
                var data = await source.ReadAsync(reference.Name, cancellationToken);
                catalog = data is null ? null : SqlTableLoader.Load(connection, reference.Name, data);
                loaded[key] = catalog;
            }

            if (catalog is not null && !string.Equals(catalog, reference.Name.Catalog, StringComparison.Ordinal))
            {
                rewrites.Add(reference);
            }
        }

        var text = new StringBuilder(statement);
        foreach (var reference in rewrites.OrderByDescending(r => r.CatalogStart))
        {
            text.Remove(reference.CatalogStart, reference.CatalogLength)
                .Insert(reference.CatalogStart, SqlTableLoader.Quote(SqlTableLoader.CatalogFor(reference.Name.Catalog)));
        }

        return text.ToString();
    }

    /// <summary>The three-part names a statement uses (see <see cref="SqlNameScanner"/>), distinct, lower-cased, in order.</summary>
    /// <param name="statement">SQL text.</param>
    public static IReadOnlyList<SqlTableName> FindNames(string statement) =>
        [.. SqlNameScanner.Find(statement).Select(r => r.Name).Distinct()];
}
