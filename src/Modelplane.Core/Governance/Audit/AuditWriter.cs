using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Governance.Audit;

/// <summary>
/// Saves queued audit entries off the request path: waits for entries, takes up to
/// <see cref="AuditOptions.BatchSize"/> at a time and saves them in one <c>SaveChanges</c>. On a graceful stop it
/// closes the queue and drains it before returning (the host stops the web server, and so waits for in-flight
/// requests, before this service). A batch that fails to save is logged and skipped so later entries still land.
/// </summary>
public sealed partial class AuditWriter(
    AuditLog log,
    IDbContextFactory<ModelplaneDbContext> dbFactory,
    IOptions<AuditOptions> options,
    ILogger<AuditWriter> logger) : IHostedService
{
    private Task? loop;

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        loop = Task.Run(RunAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    /// <remarks>Waits for the drain until <paramref name="cancellationToken"/> (the host's shutdown timeout) fires.</remarks>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        log.Complete();
        if (loop is not null)
        {
            await loop.WaitAsync(cancellationToken);
        }
    }

    private async Task RunAsync()
    {
        var batchSize = Math.Max(1, options.Value.BatchSize);
        var batch = new List<AuditEntity>(batchSize);
        while (await log.Reader.WaitToReadAsync())
        {
            while (batch.Count < batchSize && log.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            try
            {
                await using var db = await dbFactory.CreateDbContextAsync();
                db.Audit.AddRange(batch);
                await db.SaveChangesAsync();
            }
            catch (Exception e)
            {
                LogSaveFailed(e, batch.Count);
            }

            log.Advance(batch.Count);
            batch.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not save {Count} audit entries.")]
    private partial void LogSaveFailed(Exception exception, int count);
}
