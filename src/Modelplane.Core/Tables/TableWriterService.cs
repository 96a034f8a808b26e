using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Modelplane.Core.Tables;

/// <summary>
/// Drains <see cref="TableSink"/> into Parquet files off the request path: a batch is written when it holds
/// <see cref="TablesOptions.MaxBatchRows"/> rows or its first row has waited <see cref="TablesOptions.FlushIntervalMs"/>
/// (driven by the node's <see cref="TimeProvider"/>), one file per table and day. <see cref="StopAsync"/> (graceful
/// stop) completes the channel and waits until every accepted row is written, however long the host allows. A batch
/// whose write fails is logged and counted as dropped.
/// </summary>
public sealed partial class TableWriterService(
    TableSink sink, TableFiles files, IOptions<TablesOptions> options, TimeProvider time, Metrics.ServingMetrics metrics, ILogger<TableWriterService> logger)
    : IHostedService
{
    private Task? loop;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        sink.Complete();
        if (loop is not null)
        {
            await loop.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Reads until the channel is completed and empty.</summary>
    private async Task RunAsync()
    {
        var reader = sink.Reader;
        var max = Math.Max(1, options.Value.MaxBatchRows);
        var interval = TimeSpan.FromMilliseconds(Math.Max(1, options.Value.FlushIntervalMs));
        var batch = new List<TableRecord>(max);
        while (await reader.WaitToReadAsync())
        {
            using (var window = new CancellationTokenSource(interval, time))
            {
                while (batch.Count < max)
                {
                    while (batch.Count < max && reader.TryRead(out var record))
                    {
                        batch.Add(record);
                    }

                    if (batch.Count >= max || !await WaitAsync(reader, window.Token))
                    {
                        break;
                    }
                }
            }

            await FlushAsync(batch);
            batch.Clear();
        }
    }

    /// <summary>True when more rows can be read before the window closes; false when it closed or the channel ended.</summary>
    private static async Task<bool> WaitAsync(System.Threading.Channels.ChannelReader<TableRecord> reader, CancellationToken window)
    {
        try
        {
            return await reader.WaitToReadAsync(window);
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested)
        {
            return false;
        }
    }

    private async Task FlushAsync(List<TableRecord> batch)
    {
        foreach (var group in batch.GroupBy(r => (r.Table, r.Row.PartitionDate, Type: r.Row.GetType())))
        {
            try
            {
                var (table, date, type) = group.Key;
                _ = type switch
                {
                    _ when type == typeof(UsageRow) => await files.WriteAsync(table, date, Rows<UsageRow>(group), CancellationToken.None),
                    _ when type == typeof(PayloadRow) => await files.WriteAsync(table, date, Rows<PayloadRow>(group), CancellationToken.None),
                    _ when type == typeof(ServedEntityRow) => await files.WriteAsync(table, date, Rows<ServedEntityRow>(group), CancellationToken.None),
                    _ => throw new InvalidOperationException($"No table writer for {type.Name}."),
                };
            }
            catch (Exception ex)
            {
                LogWriteFailed(logger, group.Count(), group.Key.Table, ex);
                foreach (var record in group)
                {
                    metrics.TableRowDropped(record.EndpointName, record.Table);
                }
            }
        }
    }

    private static List<T> Rows<T>(IEnumerable<TableRecord> records) => [.. records.Select(r => (T)r.Row)];

    [LoggerMessage(Level = LogLevel.Error, Message = "Writing {Count} row(s) of table {Table} failed; they are lost.")]
    private static partial void LogWriteFailed(ILogger logger, int count, string table, Exception ex);
}
