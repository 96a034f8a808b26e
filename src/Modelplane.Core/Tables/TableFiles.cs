using System.Globalization;
using Microsoft.Extensions.Options;
using Parquet;
using Parquet.Serialization;

namespace Modelplane.Core.Tables;

/// <summary>
/// The Parquet files of the governance tables: <c>&lt;data-dir&gt;/tables/&lt;full table name&gt;/request_date=YYYY-MM-DD/
/// &lt;utc time&gt;-&lt;guid&gt;.parquet</c>, one file per flush per table and day, written to a hidden temp name in the
/// same folder and then renamed, so readers (this node, DuckDB, Spark) never see a partial file. Written with
/// Parquet.Net's class serializer (column names from the rows' <c>JsonPropertyName</c>s). Thread-safe.
/// </summary>
public sealed class TableFiles(IOptions<ModelplaneOptions> options)
{
    /// <summary>The partition folder prefix (hive style).</summary>
    public const string PartitionPrefix = "request_date=";

    private static readonly ParquetOptions Parquet = new() { UseDateOnlyTypeForDates = true };

    /// <summary><c>&lt;data-dir&gt;/tables</c>.</summary>
    public string Root => Path.Combine(options.Value.DataDirFullPath, "tables");

    /// <summary>The folder of one table.</summary>
    public string TableDir(string table) => Path.Combine(Root, table);

    /// <summary>Writes one file of rows of one table and day; returns its path.</summary>
    public async Task<string> WriteAsync<T>(string table, DateOnly date, IReadOnlyCollection<T> rows, CancellationToken ct)
        where T : class, ITableRow
    {
        var dir = Path.Combine(TableDir(table), PartitionPrefix + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(dir);
        var name = $"{DateTime.UtcNow:yyyyMMdd'T'HHmmssfffffff}-{Guid.NewGuid():N}.parquet";
        var temp = Path.Combine(dir, "." + name + ".tmp");
        await using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            await ParquetSerializer.SerializeAsync(rows, stream, Parquet, cancellationToken: ct);
            await stream.FlushAsync(ct);
            stream.Flush(flushToDisk: true);
        }

        var final = Path.Combine(dir, name);
        File.Move(temp, final);
        return final;
    }

    /// <summary>
    /// Reads rows of a table. With <paramref name="since"/>: the first <paramref name="limit"/> rows at or after it, oldest
    /// first, and the time of the next row when more remain (pass it as the next <c>since</c>). Without: the newest
    /// <paramref name="limit"/> rows, newest last, and no next time. Rows appear after the writer's next flush.
    /// </summary>
    /// <param name="table">Full table name.</param>
    /// <param name="since">Inclusive lower bound on the row time, or null.</param>
    /// <param name="limit">Most rows answered (≥ 1).</param>
    /// <param name="filter">Keeps only matching rows (e.g. one endpoint's), or null for all.</param>
    /// <param name="ct">Cancels the read.</param>
    public async Task<(IReadOnlyList<T> Rows, DateTime? NextSince)> ReadAsync<T>(string table, DateTimeOffset? since, int limit, Func<T, bool>? filter, CancellationToken ct)
        where T : class, ITableRow, new()
    {
        var from = since?.UtcDateTime;
        var days = Partitions(table).Where(p => from is null || p.Date >= DateOnly.FromDateTime(from.Value)).ToList();
        days = from is null ? [.. days.OrderByDescending(p => p.Date)] : [.. days.OrderBy(p => p.Date)];
        var found = new List<T>();
        foreach (var (_, dir) in days)
        {
            foreach (var file in Directory.EnumerateFiles(dir, "*.parquet").Where(f => !Path.GetFileName(f).StartsWith('.')))
            {
                await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read);
                var rows = await ParquetSerializer.DeserializeAsync<T>(stream, Parquet, cancellationToken: ct);
                found.AddRange(rows.Data.Where(r => (from is null || r.RowTime >= from.Value) && (filter is null || filter(r))));
            }

            // Days do not overlap in time, so once a whole day has been read past the limit the rest cannot matter.
            if (found.Count > limit)
            {
                break;
            }
        }

        var ordered = found.OrderBy(r => r.RowTime).ToList();
        if (from is null)
        {
            return (ordered.Skip(Math.Max(0, ordered.Count - limit)).ToList(), null);
        }

        return (ordered.Take(limit).ToList(), ordered.Count > limit ? ordered[limit].RowTime : null);
    }

    private IEnumerable<(DateOnly Date, string Dir)> Partitions(string table)
    {
        var root = TableDir(table);
        if (!Directory.Exists(root))
        {
            yield break;
        }

        foreach (var dir in Directory.EnumerateDirectories(root, PartitionPrefix + "*"))
        {
            if (DateOnly.TryParseExact(Path.GetFileName(dir)[PartitionPrefix.Length..], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                yield return (date, dir);
            }
        }
    }
}
