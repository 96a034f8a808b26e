using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Modelplane.Core.Governance.Audit;
using Modelplane.Core.Storage;

namespace Modelplane.Server.Tests.Audit;

/// <summary>The queue between requests and the store: bounded (full means dropped and counted), drained on a graceful stop.</summary>
public sealed class AuditQueueTests(AuditNode node) : IClassFixture<AuditNode>
{
    private static AuditEntity Entry(string requestId) =>
        new() { Method = "POST", Path = "/api/2.0/test", Result = AuditResults.Success, StatusCode = 200, RequestId = requestId, Time = 1 };

    [Fact]
    public void A_full_queue_drops_and_counts_instead_of_blocking()
    {
        var log = new AuditLog(Options.Create(new AuditOptions { QueueCapacity = 2 }), NullLogger<AuditLog>.Instance);

        Assert.True(log.TryRecord(Entry("a")));
        Assert.True(log.TryRecord(Entry("b")));
        Assert.False(log.TryRecord(Entry("c")));
        Assert.False(log.TryRecord(Entry("d")));

        Assert.Equal(2, log.Dropped);
    }

    [Fact]
    public async Task A_graceful_stop_saves_every_queued_entry_in_batches_and_refuses_later_ones()
    {
        var options = Options.Create(new AuditOptions { QueueCapacity = 1000, BatchSize = 7 });
        var log = new AuditLog(options, NullLogger<AuditLog>.Instance);
        var factory = node.Services.GetRequiredService<IDbContextFactory<ModelplaneDbContext>>();
        var writer = new AuditWriter(log, factory, options, NullLogger<AuditWriter>.Instance);
        var prefix = "drain-" + Guid.NewGuid().ToString("N") + "-";
        for (var i = 0; i < 100; i++)
        {
            Assert.True(log.TryRecord(Entry(prefix + i)));
        }

        await writer.StartAsync(CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);

        Assert.False(log.TryRecord(Entry(prefix + "late")));
        Assert.Equal(1, log.Dropped);
        await using var db = await factory.CreateDbContextAsync();
        var saved = await db.Audit.Where(e => e.RequestId!.StartsWith(prefix)).Select(e => e.RequestId).ToListAsync();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => prefix + i).Order(StringComparer.Ordinal), saved.Order(StringComparer.Ordinal));
        await log.FlushAsync(); // Everything accepted was written: returns at once.
    }
}
