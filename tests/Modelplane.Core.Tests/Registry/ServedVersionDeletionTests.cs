using Modelplane.Abstractions;
using Modelplane.Core.Registry.Foundation;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Tests.Registry;

public sealed class ServedVersionDeletionTests : IDisposable
{
    private const string Model = "main.default.iris";

    /// <summary>Rows of the seeded, read-only <c>system</c> catalog, which deleting a user's model leaves alone.</summary>
    private const string SystemPrefix = FoundationModel.Catalog + ".";
    private readonly RegistryFixture _registry = new();

    public ServedVersionDeletionTests()
    {
        _registry.RegisterAsync(Model, TestArchives.FakeOnnx, "m.onnx").GetAwaiter().GetResult();
        _registry.RegisterAsync(Model, TestArchives.FakeOnnx, "m.onnx").GetAwaiter().GetResult();
    }

    public void Dispose() => _registry.Dispose();

    private void Serve(int version, string status, int configVersion = 1)
    {
        using var db = _registry.NewContext();
        if (!db.Endpoints.Any(e => e.Id == "ep-1"))
        {
            db.Endpoints.Add(new EndpointEntity { Id = "ep-1", Name = "iris-prod" });
        }

        db.EndpointConfigs.Add(new EndpointConfigEntity { EndpointId = "ep-1", Version = configVersion, ConfigJson = "{}", Status = status });
        db.ServedVersionRefs.Add(new ServedVersionRefEntity { EndpointId = "ep-1", ConfigVersion = configVersion, ModelFullName = Model, Version = version });
        db.SaveChanges();
    }

    [Theory]
    [InlineData("ACTIVE")]
    [InlineData("PENDING")]
    public async Task DeletingAServedVersion_Is409NamingTheEndpoint(string status)
    {
        Serve(2, status);

        var error = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.Versions.DeleteAsync(Model, 2, CancellationToken.None));

        Assert.Equal(409, error.StatusCode);
        Assert.Equal(ErrorCode.ResourceConflict, error.ErrorCode);
        Assert.Contains("main.default.iris/2 is served by endpoint 'iris-prod'", error.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(_registry.DataDir, "models/main/default/iris/2")));
        Assert.Equal(2, (await _registry.Versions.GetAsync(Model, 2, CancellationToken.None)).Version);
    }

    [Theory]
    [InlineData("RETIRED")]
    [InlineData("FAILED")]
    public async Task AVersionOnlyInOldConfigs_CanBeDeleted(string status)
    {
        Serve(2, status);

        await _registry.Versions.DeleteAsync(Model, 2, CancellationToken.None);

        Assert.False(Directory.Exists(Path.Combine(_registry.DataDir, "models/main/default/iris/2")));
        await Assert.ThrowsAsync<ModelplaneException>(() => _registry.Versions.GetAsync(Model, 2, CancellationToken.None));
    }

    [Fact]
    public async Task AnotherVersionBeingServed_DoesNotBlockThisOne()
    {
        Serve(1, "ACTIVE");

        await _registry.Versions.DeleteAsync(Model, 2, CancellationToken.None);

        Assert.Equal([1], (await _registry.Versions.ListAsync(Model, CancellationToken.None)).Select(v => v.Version));
    }

    [Fact]
    public async Task DeletingAModelWithAServedVersion_Is409()
    {
        Serve(1, "ACTIVE");

        var error = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.Models.DeleteAsync(Model, CancellationToken.None));

        Assert.Equal(409, error.StatusCode);
        Assert.Contains("'iris-prod'", error.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(_registry.DataDir, "models/main/default/iris/1")));
    }

    [Fact]
    public async Task DeletingAModel_RemovesVersionsAliasesAndFiles()
    {
        await _registry.Aliases.SetAsync(Model, "champion", 1, CancellationToken.None);

        await _registry.Models.DeleteAsync(Model, CancellationToken.None);

        await using var db = _registry.NewContext();
        Assert.Empty(db.ModelVersions.Where(v => !v.ModelFullName.StartsWith(SystemPrefix)));
        Assert.Empty(db.ModelAliases);
        Assert.Empty(db.Models.Where(m => m.CatalogName != FoundationModel.Catalog));

        // The seeded system.ai rows are left alone.
        var foundation = FoundationModels.All.Select(m => m.FullName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(foundation, db.Models.Select(m => m.FullName).AsEnumerable().Order(StringComparer.Ordinal));
        Assert.Equal(foundation, db.ModelVersions.Select(v => v.ModelFullName).AsEnumerable().Order(StringComparer.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(_registry.DataDir, "models/main/default/iris")));
        var error = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.Models.GetAsync(Model, CancellationToken.None));
        Assert.Equal(404, error.StatusCode);
    }
}
