using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Modelplane.Core.Metrics;

namespace Modelplane.Core.Tables;

/// <summary>One row on its way to a table.</summary>
/// <param name="Table">Full table name (<see cref="TableNames"/>).</param>
/// <param name="EndpointName">The endpoint the row is about (metrics label).</param>
/// <param name="Row">The row.</param>
public sealed record TableRecord(string Table, string EndpointName, ITableRow Row);

/// <summary>
/// The hot-path side of table storage: a bounded channel (<see cref="TablesOptions.ChannelCapacity"/>) that the request
/// path writes to without waiting, read by <see cref="TableWriterService"/>. Policy when full: the NEW row is dropped,
/// counted in <c>table_rows_dropped_total</c> and logged at most once a minute; rows already accepted are kept.
/// After <see cref="Complete"/> (graceful stop) new rows are dropped the same way. Singleton; thread-safe.
/// </summary>
public sealed partial class TableSink
{
    private readonly Channel<TableRecord> channel;
    private readonly ServingMetrics metrics;
    private readonly TimeProvider time;
    private readonly ILogger<TableSink> logger;
    private long lastWarning = long.MinValue;
    private long droppedSinceWarning;

    /// <summary>Creates the channel.</summary>
    public TableSink(IOptions<TablesOptions> options, ServingMetrics metrics, TimeProvider time, ILogger<TableSink> logger)
    {
        channel = Channel.CreateBounded<TableRecord>(new BoundedChannelOptions(Math.Max(1, options.Value.ChannelCapacity))
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then refuses the new row instead of blocking or evicting.
            SingleReader = true,
        });
        this.metrics = metrics;
        this.time = time;
        this.logger = logger;
    }

    /// <summary>The reading side, for the writer.</summary>
    public ChannelReader<TableRecord> Reader => channel.Reader;

    /// <summary>Offers a row; never waits. Returns false (and counts the drop) when the channel is full or completed.</summary>
    public bool TryWrite(TableRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (channel.Writer.TryWrite(record))
        {
            return true;
        }

        metrics.TableRowDropped(record.EndpointName, record.Table);
        Interlocked.Increment(ref droppedSinceWarning);
        var now = time.GetTimestamp();
        var last = Interlocked.Read(ref lastWarning);
        if ((last == long.MinValue || time.GetElapsedTime(last, now) >= TimeSpan.FromMinutes(1))
            && Interlocked.CompareExchange(ref lastWarning, now, last) == last)
        {
            LogDropped(logger, Interlocked.Exchange(ref droppedSinceWarning, 0), record.Table);
        }

        return false;
    }

    /// <summary>Counts a row that could not even be built (and so was never offered).</summary>
    public void Dropped(string endpointName, string table) => metrics.TableRowDropped(endpointName, table);

    /// <summary>Refuses new rows; the reader drains what was accepted and then ends.</summary>
    public void Complete() => channel.Writer.TryComplete();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped {Count} usage/inference table row(s) (latest for {Table}): the table writer's channel is full or the node is stopping. Raise Modelplane:Tables:ChannelCapacity if this persists.")]
    private static partial void LogDropped(ILogger logger, long count, string table);
}
