namespace Modelplane.Core.Tables;

/// <summary>
/// Usage and inference table storage, bound from <c>Modelplane:Tables</c> (docs/tables.md). Rows go through a bounded
/// in-memory channel to a background writer that batches them into Parquet files under
/// <c>&lt;data-dir&gt;/tables/&lt;full table name&gt;/request_date=YYYY-MM-DD/</c>.
/// </summary>
public sealed class TablesOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Modelplane:Tables";

    /// <summary>Rows the channel holds before new rows are dropped (and counted in <c>table_rows_dropped_total</c>).
    /// Default 10 000.</summary>
    public int ChannelCapacity { get; set; } = 10_000;

    /// <summary>Most rows written in one flush (one Parquet file per table and day). Default 1 000.</summary>
    public int MaxBatchRows { get; set; } = 1_000;

    /// <summary>Longest a row waits in the channel before its batch is written, in milliseconds. Default 1 000.</summary>
    public int FlushIntervalMs { get; set; } = 1_000;

    /// <summary>Largest request or response body stored in a payload row, in bytes; a larger one is stored as null with a
    /// <c>MAX_REQUEST_SIZE_EXCEEDED</c> / <c>MAX_RESPONSE_SIZE_EXCEEDED</c> entry in <c>logging_error_details</c>.
    /// Default 1 MiB (Databricks' limit).</summary>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;
}
