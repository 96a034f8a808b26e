using Microsoft.EntityFrameworkCore;
using Modelplane.Core.Images;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Tests.Images;

public sealed class ImageCollectorTests : IDisposable
{
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1440);
    private readonly ImagesFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    /// <summary>Writes an endpoint config version with the given status whose entity <c>iris</c> runs <paramref name="image"/>.</summary>
    private async Task ServeAsync(string endpointId, int configVersion, string status, ModelImage image)
    {
        await using (var db = _fixture.NewContext())
        {
            if (!await db.Endpoints.AnyAsync(e => e.Id == endpointId))
            {
                db.Endpoints.Add(new EndpointEntity { Id = endpointId, Name = "ep-" + endpointId });
            }

            db.EndpointConfigs.Add(new EndpointConfigEntity { EndpointId = endpointId, Version = configVersion, ConfigJson = "{}", Status = status });
            await db.SaveChangesAsync();
        }

        await _fixture.Records.RecordAsync(endpointId, configVersion, "iris", image, CancellationToken.None);
    }

    private async Task SetStatusAsync(string endpointId, int configVersion, string status)
    {
        await using var db = _fixture.NewContext();
        await db.EndpointConfigs.Where(c => c.EndpointId == endpointId && c.Version == configVersion)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, status));
    }

    private Task<CollectionResult> CollectAsync() => _fixture.Collector.CollectOnceAsync(CancellationToken.None);

    private bool Marked(string imageId) => File.Exists(Path.Combine(_fixture.Images.Root, ".unreferenced", imageId));

    [Fact]
    public async Task ImagesOfActiveAndPendingConfigs_AreKept()
    {
        var (active, _) = await _fixture.BuildAsync();
        var (pending, _) = await _fixture.BuildAsync(source: _fixture.Source with { ModelVersion = "2" });
        await ServeAsync("ep1", 1, "ACTIVE", active);
        await ServeAsync("ep1", 2, "PENDING", pending);

        await CollectAsync();
        _fixture.Time.Advance(Grace * 3);
        var result = await CollectAsync();

        Assert.Empty(result.DeletedImages);
        Assert.Empty(result.DeletedRuntimes);
        Assert.NotNull(_fixture.Images.Find(active.Id));
        Assert.NotNull(_fixture.Images.Find(pending.Id));
        Assert.False(Marked(active.Id));
    }

    [Theory]
    [InlineData("RETIRED")]
    [InlineData("FAILED")]
    public async Task AnUnreferencedImage_IsDeletedOnlyAfterTheGracePeriod(string status)
    {
        var (image, _) = await _fixture.BuildAsync();
        await ServeAsync("ep1", 1, status, image);

        Assert.Empty((await CollectAsync()).DeletedImages);
        Assert.True(Marked(image.Id));
        _fixture.Time.Advance(Grace - TimeSpan.FromMinutes(1));
        Assert.Empty((await CollectAsync()).DeletedImages);
        Assert.True(Directory.Exists(image.Directory));

        _fixture.Time.Advance(TimeSpan.FromMinutes(1));
        var result = await CollectAsync();

        Assert.Equal([image.Id], result.DeletedImages);
        Assert.False(Directory.Exists(image.Directory));
        Assert.False(Marked(image.Id));
        Assert.Null(_fixture.Images.Find(image.Id));
    }

    [Fact]
    public async Task AnImageReferencedAgain_LosesItsMark_AndItsGraceStartsOver()
    {
        var (image, _) = await _fixture.BuildAsync();
        await ServeAsync("ep1", 1, "RETIRED", image);
        await CollectAsync();
        _fixture.Time.Advance(Grace - TimeSpan.FromMinutes(10));

        await SetStatusAsync("ep1", 1, "ACTIVE");
        await CollectAsync();
        Assert.False(Marked(image.Id));
        await SetStatusAsync("ep1", 1, "RETIRED");
        await CollectAsync();
        _fixture.Time.Advance(TimeSpan.FromMinutes(20));
        var result = await CollectAsync();

        Assert.Empty(result.DeletedImages);
        Assert.True(Directory.Exists(image.Directory));
    }

    [Fact]
    public async Task RebuildingAnUnreferencedImage_ClearsItsMark()
    {
        var (image, _) = await _fixture.BuildAsync();
        await CollectAsync();
        Assert.True(Marked(image.Id));
        _fixture.Time.Advance(Grace);

        var (again, log) = await _fixture.BuildAsync();

        Assert.Equal(image.Id, again.Id);
        Assert.Contains($"Reusing image {image.Id}", log);
        Assert.False(Marked(image.Id));
        Assert.Empty((await CollectAsync()).DeletedImages);
        Assert.True(Directory.Exists(image.Directory));
    }

    [Fact]
    public async Task ImagesOfADeletedEndpoint_StopCounting()
    {
        var (image, _) = await _fixture.BuildAsync();
        await ServeAsync("ep1", 1, "ACTIVE", image);
        await using (var db = _fixture.NewContext())
        {
            // What EndpointService.DeleteAsync does: configs and the endpoint go, image records stay behind.
            await db.EndpointConfigs.Where(c => c.EndpointId == "ep1").ExecuteDeleteAsync();
            await db.Endpoints.Where(e => e.Id == "ep1").ExecuteDeleteAsync();
        }

        Assert.Empty(await _fixture.Records.ReferencedImageIdsAsync(CancellationToken.None));
        await CollectAsync();
        _fixture.Time.Advance(Grace);
        var result = await CollectAsync();

        Assert.Equal([image.Id], result.DeletedImages);
        await using var check = _fixture.NewContext();
        Assert.Empty(check.ServedEntityImages);
    }

    [Fact]
    public async Task TheCurrentRuntime_IsKeptWithoutAnyImage()
    {
        var current = _fixture.Runtimes.Current;

        await CollectAsync();
        _fixture.Time.Advance(Grace * 2);
        var result = await CollectAsync();

        Assert.Empty(result.DeletedRuntimes);
        Assert.Equal(current, _fixture.Runtimes.Find(current.Id));
    }

    [Fact]
    public async Task AnOldRuntime_IsKeptWhileAKeptImageUsesIt_AndDeletedAGraceAfterItsLastImage()
    {
        var olderBuild = Path.Combine(_fixture.Root, "worker-older");
        ImagesFixture.CopyDirectory(_fixture.WorkerDir, olderBuild);
        File.AppendAllText(Path.Combine(olderBuild, "Modelplane.Worker.dll"), "old");
        var older = _fixture.StoreFor(olderBuild).Current;
        var (oldImage, _) = await _fixture.BuildAsync(older);
        await ServeAsync("ep1", 1, "ACTIVE", oldImage);
        var unusedBuild = Path.Combine(_fixture.Root, "worker-unused");
        ImagesFixture.CopyDirectory(_fixture.WorkerDir, unusedBuild);
        File.AppendAllText(Path.Combine(unusedBuild, "Modelplane.Worker.dll"), "unused");
        var unused = _fixture.StoreFor(unusedBuild).Current;

        await CollectAsync();
        _fixture.Time.Advance(Grace);
        var first = await CollectAsync();

        Assert.Equal([unused.Id], first.DeletedRuntimes);
        Assert.NotNull(_fixture.Runtimes.Find(older.Id));
        Assert.Null(_fixture.Runtimes.Find(unused.Id));
        Assert.False(Directory.Exists(unused.Directory));

        await SetStatusAsync("ep1", 1, "RETIRED");
        await CollectAsync();
        _fixture.Time.Advance(Grace);
        var second = await CollectAsync();
        Assert.Equal([oldImage.Id], second.DeletedImages);
        Assert.Empty(second.DeletedRuntimes);

        _fixture.Time.Advance(Grace);
        var third = await CollectAsync();
        Assert.Equal([older.Id], third.DeletedRuntimes);
        Assert.NotNull(_fixture.Runtimes.Find(_fixture.Runtimes.Current.Id));
    }

    [Fact]
    public async Task StagingFoldersOlderThanAnHour_AreRemoved()
    {
        var now = _fixture.Time.GetUtcNow().UtcDateTime;
        var stale = Directory.CreateDirectory(Path.Combine(_fixture.Images.Root, ".staging", "stale")).FullName;
        File.WriteAllText(Path.Combine(stale, "half-copied"), "x");
        Directory.SetLastWriteTimeUtc(stale, now.AddMinutes(-61));
        var fresh = Directory.CreateDirectory(Path.Combine(_fixture.Images.Root, ".staging", "fresh")).FullName;
        Directory.SetLastWriteTimeUtc(fresh, now.AddMinutes(-30));
        var staleRuntime = Directory.CreateDirectory(Path.Combine(_fixture.Runtimes.Root, ".staging", "stale")).FullName;
        Directory.SetLastWriteTimeUtc(staleRuntime, now.AddHours(-2));

        var result = await CollectAsync();

        Assert.Equal(2, result.RemovedStaging);
        Assert.False(Directory.Exists(stale));
        Assert.True(Directory.Exists(fresh));
        Assert.False(Directory.Exists(staleRuntime));
    }

    [Fact]
    public async Task TheGracePeriod_ComesFromConfiguration()
    {
        using var fixture = new ImagesFixture(new() { ["Modelplane:Images:GracePeriodMinutes"] = "30" });
        var (image, _) = await fixture.BuildAsync();

        await fixture.Collector.CollectOnceAsync(CancellationToken.None);
        fixture.Time.Advance(TimeSpan.FromMinutes(30));
        var result = await fixture.Collector.CollectOnceAsync(CancellationToken.None);

        Assert.Equal([image.Id], result.DeletedImages);
    }

    [Theory]
    [InlineData("Modelplane:Images:GracePeriodMinutes", "-1")]
    [InlineData("Modelplane:Images:CollectIntervalMinutes", "0")]
    public void InvalidOptions_NameTheKeyToFix(string key, string value)
    {
        using var fixture = new ImagesFixture(new() { [key] = value });

        var error = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => fixture.Get<Microsoft.Extensions.Options.IOptions<ImageOptions>>().Value);

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
