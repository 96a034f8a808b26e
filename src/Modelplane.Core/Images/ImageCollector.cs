using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;

namespace Modelplane.Core.Images;

/// <summary>What one collector pass removed.</summary>
/// <param name="DeletedImages">Ids of the images deleted.</param>
/// <param name="DeletedRuntimes">Ids of the runtimes deleted.</param>
/// <param name="RemovedStaging">Abandoned staging folders removed (images and runtimes together).</param>
public sealed record CollectionResult(IReadOnlyList<string> DeletedImages, IReadOnlyList<string> DeletedRuntimes, int RemovedStaging);

/// <summary>
/// Removes images and runtimes nothing needs any more, every <see cref="ImageOptions.CollectIntervalMinutes"/>. An image
/// is needed while an <c>ACTIVE</c> or <c>PENDING</c> config uses it (<see cref="ImageRecords"/>); a runtime while a
/// kept image was built on it, and always the current one. An unneeded bundle is first marked with the time it was
/// found so (<c>.unreferenced/&lt;id&gt;</c>) and deleted once that is <see cref="ImageOptions.GracePeriodMinutes"/>
/// ago; a bundle needed again, or reused by a build, loses its mark. Staging folders untouched for an hour (builds that
/// died half-way) are removed too.
/// </summary>
public sealed partial class ImageCollector(
    ImageStore images,
    RuntimeStore runtimes,
    ImageRecords records,
    IOptions<ImageOptions> options,
    TimeProvider time,
    ILogger<ImageCollector> logger) : BackgroundService
{
    private static readonly TimeSpan StagingMaxAge = TimeSpan.FromHours(1);
    private readonly SemaphoreSlim _pass = new(1, 1);

    /// <summary>Runs one pass now (passes never overlap).</summary>
    public async Task<CollectionResult> CollectOnceAsync(CancellationToken ct)
    {
        await _pass.WaitAsync(ct);
        try
        {
            var now = time.GetUtcNow();
            var dueBy = now - TimeSpan.FromMinutes(options.Value.GracePeriodMinutes);
            await records.DeleteOrphansAsync(ct);
            var referenced = await records.ReferencedImageIdsAsync(ct);
            var (keptImages, deletedImages) = Sweep(images.Bundles, "image", referenced, now, dueBy);

            List<string> deletedRuntimes = [];
            if (TryCurrentRuntime() is { } current)
            {
                var usedRuntimes = keptImages.Select(images.RuntimeIdOf).OfType<string>().Append(current.Id).ToHashSet(StringComparer.Ordinal);
                (_, deletedRuntimes) = Sweep(runtimes.Bundles, "runtime", usedRuntimes, now, dueBy);
            }

            var staging = images.Bundles.RemoveStaleStaging(now - StagingMaxAge) + runtimes.Bundles.RemoveStaleStaging(now - StagingMaxAge);
            return new CollectionResult(deletedImages, deletedRuntimes, staging);
        }
        finally
        {
            _pass.Release();
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _pass.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.Value.CollectIntervalMinutes), time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var result = await CollectOnceAsync(stoppingToken);
                if (result.DeletedImages.Count + result.DeletedRuntimes.Count + result.RemovedStaging > 0)
                {
                    LogPass(logger, result.DeletedImages.Count, result.DeletedRuntimes.Count, result.RemovedStaging);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogPassFailed(logger, ex);
            }
        }
    }

    private (List<string> Kept, List<string> Deleted) Sweep(ContentDirectory bundles, string kind, IReadOnlySet<string> used, DateTimeOffset now, DateTimeOffset dueBy)
    {
        List<string> kept = [];
        List<string> deleted = [];
        foreach (var id in bundles.ListIds())
        {
            try
            {
                if (used.Contains(id))
                {
                    bundles.ClearMarker(id);
                }
                else if (bundles.FirstSeenUnreferenced(id, now) <= dueBy && bundles.DeleteIfUnreferencedSince(id, dueBy))
                {
                    LogDeleted(logger, kind, id);
                    deleted.Add(id);
                    continue;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogDeleteFailed(logger, e, kind, id);
            }

            kept.Add(id);
        }

        bundles.PruneMarkers(kept.ToHashSet(StringComparer.Ordinal));
        return (kept, deleted);
    }

    private RuntimeInfo? TryCurrentRuntime()
    {
        try
        {
            return runtimes.Current;
        }
        catch (ModelplaneException e)
        {
            LogNoCurrentRuntime(logger, e.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted unreferenced {Kind} {Id}.")]
    private static partial void LogDeleted(ILogger logger, string kind, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not delete unreferenced {Kind} {Id}; the next pass tries again.")]
    private static partial void LogDeleteFailed(ILogger logger, Exception ex, string kind, string id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Runtimes are not collected: the current runtime is unknown ({Reason}).")]
    private static partial void LogNoCurrentRuntime(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Image collection removed {Images} images, {Runtimes} runtimes and {Staging} staging folders.")]
    private static partial void LogPass(ILogger logger, int images, int runtimes, int staging);

    [LoggerMessage(Level = LogLevel.Warning, Message = "An image collection pass failed; the next pass tries again.")]
    private static partial void LogPassFailed(ILogger logger, Exception ex);
}
