using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Governance.Audit;

/// <summary>
/// The audit log's hand-off from requests to <see cref="AuditWriter"/>: a bounded channel, so recording costs a request
/// one non-blocking write and never waits on the store. When <see cref="AuditOptions.QueueCapacity"/> entries are
/// already waiting, a new entry is dropped and counted in <see cref="Dropped"/> (with a warning log on the first drop
/// and every 1000th); nothing accepted is lost on a graceful stop, because the writer drains the channel first.
/// </summary>
public sealed partial class AuditLog
{
    private readonly Channel<AuditEntity> channel;
    private readonly ILogger<AuditLog> logger;
    private readonly object progressLock = new();
    private TaskCompletionSource progress = NewSignal();
    private long accepted;
    private long written;
    private long dropped;

    /// <summary>Creates the log with <see cref="AuditOptions.QueueCapacity"/> slots.</summary>
    public AuditLog(IOptions<AuditOptions> options, ILogger<AuditLog> logger)
    {
        this.logger = logger;
        channel = Channel.CreateBounded<AuditEntity>(new BoundedChannelOptions(Math.Max(1, options.Value.QueueCapacity))
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails at once instead of evicting an accepted entry.
            SingleReader = true,
        });
    }

    /// <summary>Entries dropped because the queue was full, or because the node was stopping, since start.</summary>
    public long Dropped => Interlocked.Read(ref dropped);

    /// <summary>The writer's end.</summary>
    internal ChannelReader<AuditEntity> Reader => channel.Reader;

    /// <summary>Queues an entry; false (and counted) when the queue is full or closed.</summary>
    public bool TryRecord(AuditEntity entry)
    {
        if (channel.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref accepted);
            return true;
        }

        var count = Interlocked.Increment(ref dropped);
        if (count == 1 || count % 1000 == 0)
        {
            LogDropped(count);
        }

        return false;
    }

    /// <summary>
    /// Completes when every entry accepted before the call has been saved (tests, and callers that want to read
    /// their own writes); <paramref name="ct"/> stops waiting.
    /// </summary>
    public async Task FlushAsync(CancellationToken ct = default)
    {
        var target = Interlocked.Read(ref accepted);
        while (true)
        {
            Task signal;
            lock (progressLock)
            {
                if (written >= target)
                {
                    return;
                }

                signal = progress.Task;
            }

            await signal.WaitAsync(ct);
        }
    }

    /// <summary>Stops accepting entries; the writer then drains what is queued and ends.</summary>
    internal void Complete() => channel.Writer.TryComplete();

    /// <summary>Called by the writer after it saved (or gave up on) <paramref name="count"/> entries.</summary>
    internal void Advance(int count)
    {
        TaskCompletionSource done;
        lock (progressLock)
        {
            written += count;
            done = progress;
            progress = NewSignal();
        }

        done.TrySetResult();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} audit entries dropped since start: the audit queue was full (Modelplane:Audit:QueueCapacity) or the node was stopping.")]
    private partial void LogDropped(long count);
}
