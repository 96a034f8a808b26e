using Modelplane.Core.Images;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Tests.Images;

public sealed class ImageRecordsTests : IDisposable
{
    private readonly ImagesFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private static ModelImage Image(char c) => new(new string(c, 64), "/images/" + c, new string('f', 64), "/runtimes/f", "model/model.onnx");

    private void AddConfig(string endpointId, int version, string status)
    {
        using var db = _fixture.NewContext();
        if (!db.Endpoints.Any(e => e.Id == endpointId))
        {
            db.Endpoints.Add(new EndpointEntity { Id = endpointId, Name = "ep-" + endpointId });
        }

        db.EndpointConfigs.Add(new EndpointConfigEntity { EndpointId = endpointId, Version = version, ConfigJson = "{}", Status = status });
        db.SaveChanges();
    }

    [Fact]
    public async Task Record_ThenFind_AndRecordingAgainReplaces()
    {
        await _fixture.Records.RecordAsync("ep1", 1, "iris", Image('a'), CancellationToken.None);
        _fixture.Time.Advance(TimeSpan.FromSeconds(5));
        await _fixture.Records.RecordAsync("ep1", 1, "iris", Image('b'), CancellationToken.None);

        var found = await _fixture.Records.FindAsync("ep1", 1, "iris", CancellationToken.None);

        Assert.NotNull(found);
        Assert.Equal(new string('b', 64), found.ImageId);
        Assert.Equal(new string('f', 64), found.RuntimeId);
        Assert.Equal(_fixture.Time.GetUtcNow().ToUnixTimeMilliseconds(), found.BuiltAt);
        Assert.Null(await _fixture.Records.FindAsync("ep1", 1, "other", CancellationToken.None));
        Assert.Null(await _fixture.Records.FindAsync("ep1", 2, "iris", CancellationToken.None));
    }

    [Fact]
    public async Task Referenced_AreTheImagesOfActiveAndPendingConfigsOnly()
    {
        AddConfig("ep1", 1, "RETIRED");
        AddConfig("ep1", 2, "ACTIVE");
        AddConfig("ep1", 3, "PENDING");
        AddConfig("ep2", 1, "FAILED");
        await _fixture.Records.RecordAsync("ep1", 1, "iris", Image('1'), CancellationToken.None);
        await _fixture.Records.RecordAsync("ep1", 2, "iris", Image('2'), CancellationToken.None);
        await _fixture.Records.RecordAsync("ep1", 2, "iris-b", Image('2'), CancellationToken.None);
        await _fixture.Records.RecordAsync("ep1", 3, "iris", Image('3'), CancellationToken.None);
        await _fixture.Records.RecordAsync("ep2", 1, "iris", Image('4'), CancellationToken.None);
        await _fixture.Records.RecordAsync("gone", 1, "iris", Image('5'), CancellationToken.None);

        var referenced = await _fixture.Records.ReferencedImageIdsAsync(CancellationToken.None);

        Assert.Equal([new string('2', 64), new string('3', 64)], referenced.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Orphans_AreTheRecordsOfEndpointsThatNoLongerExist()
    {
        AddConfig("ep1", 1, "ACTIVE");
        await _fixture.Records.RecordAsync("ep1", 1, "iris", Image('1'), CancellationToken.None);
        await _fixture.Records.RecordAsync("ep1", 2, "iris", Image('2'), CancellationToken.None);
        await _fixture.Records.RecordAsync("gone", 1, "iris", Image('3'), CancellationToken.None);

        Assert.Equal(1, await _fixture.Records.DeleteOrphansAsync(CancellationToken.None));

        Assert.NotNull(await _fixture.Records.FindAsync("ep1", 2, "iris", CancellationToken.None));
        Assert.Null(await _fixture.Records.FindAsync("gone", 1, "iris", CancellationToken.None));
    }
}
