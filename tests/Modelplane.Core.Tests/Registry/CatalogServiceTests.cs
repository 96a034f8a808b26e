using Modelplane.Abstractions;
using Modelplane.Core.Registry;
using Modelplane.Core.Registry.Foundation;

namespace Modelplane.Core.Tests.Registry;

public sealed class CatalogServiceTests : IDisposable
{
    /// <summary>The seeded <c>system.ai</c> models' full names, sorted: every registry lists them.</summary>
    private static readonly string[] FoundationFullNames = [.. FoundationModels.All.Select(m => m.FullName).Order(StringComparer.Ordinal)];

    private readonly RegistryFixture _registry = new();

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task Seeder_CreatesMainDefaultOnceAndIsIdempotent()
    {
        await RegistrySeeder.SeedAsync(_registry.Db);
        await RegistrySeeder.SeedAsync(_registry.NewContext());

        Assert.Equal(["main", "system"], (await _registry.Catalogs.ListCatalogsAsync(CancellationToken.None)).Select(c => c.Name));
        var schema = await _registry.Catalogs.GetSchemaAsync("main.default", CancellationToken.None);
        Assert.Equal(("main", "default"), (schema.CatalogName, schema.Name));
        Assert.Equal(["system.ai"], (await _registry.Catalogs.ListSchemasAsync("system", CancellationToken.None)).Select(s => s.FullName));

        // Seeding twice leaves one row per foundation model and version, and nothing in main.default.
        Assert.Equal(FoundationFullNames, (await _registry.Models.ListAsync(null, null, CancellationToken.None)).Select(m => m.FullName));
        await using var db = _registry.NewContext();
        Assert.Equal(FoundationFullNames, db.ModelVersions.Select(v => v.ModelFullName).AsEnumerable().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CatalogsAndSchemas_AreCreatedLowerCaseAndListedSorted()
    {
        await _registry.Catalogs.CreateCatalogAsync("Sandbox", "play", "bob", CancellationToken.None);
        await _registry.Catalogs.CreateSchemaAsync("sandbox", "Zeta", null, "bob", CancellationToken.None);
        await _registry.Catalogs.CreateSchemaAsync("SANDBOX", "alpha_1", null, "bob", CancellationToken.None);

        Assert.Equal(["main", "sandbox", "system"], (await _registry.Catalogs.ListCatalogsAsync(CancellationToken.None)).Select(c => c.Name));
        Assert.Equal(["sandbox.alpha_1", "sandbox.zeta"], (await _registry.Catalogs.ListSchemasAsync("sandbox", CancellationToken.None)).Select(s => s.FullName));
        var catalog = await _registry.Catalogs.GetCatalogAsync("SANDBOX", CancellationToken.None);
        Assert.Equal(("play", "bob"), (catalog.Comment, catalog.Owner));
    }

    [Fact]
    public async Task Duplicates_Are409()
    {
        var catalog = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.Catalogs.CreateCatalogAsync("MAIN", null, null, CancellationToken.None));
        var schema = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.Catalogs.CreateSchemaAsync("main", "default", null, null, CancellationToken.None));

        Assert.Equal((409, "Catalog 'main' already exists."), (catalog.StatusCode, catalog.Message));
        Assert.Equal((409, "Schema 'main.default' already exists."), (schema.StatusCode, schema.Message));
    }

    [Fact]
    public async Task SchemaInAMissingCatalog_Is404NamingIt()
    {
        var error = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.Catalogs.CreateSchemaAsync("nope", "s", null, null, CancellationToken.None));

        Assert.Equal((404, "Catalog 'nope' does not exist."), (error.StatusCode, error.Message));
    }

    [Theory]
    [InlineData("with-hyphen")]
    [InlineData("dot.ted")]
    [InlineData("")]
    [InlineData("spa ce")]
    public async Task BadCatalogNames_Are400(string name)
    {
        var error = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.Catalogs.CreateCatalogAsync(name, null, null, CancellationToken.None));

        Assert.Equal(400, error.StatusCode);
        Assert.StartsWith("name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_AreListedSortedAndFiltered()
    {
        await _registry.Catalogs.CreateCatalogAsync("other", null, null, CancellationToken.None);
        await _registry.Catalogs.CreateSchemaAsync("other", "s", null, null, CancellationToken.None);
        await _registry.Models.CreateAsync("main", "default", "zebra", null, "bob", CancellationToken.None);
        await _registry.Models.CreateAsync("main", "default", "Ant", "first", "bob", CancellationToken.None);
        await _registry.Models.CreateAsync("other", "s", "bee", null, "bob", CancellationToken.None);

        Assert.Equal(["main.default.ant", "main.default.zebra", "other.s.bee", .. FoundationFullNames], (await _registry.Models.ListAsync(null, null, CancellationToken.None)).Select(m => m.FullName));
        Assert.Equal(["other.s.bee"], (await _registry.Models.ListAsync("OTHER", null, CancellationToken.None)).Select(m => m.FullName));
        Assert.Equal(["main.default.ant", "main.default.zebra"], (await _registry.Models.ListAsync("main", "default", CancellationToken.None)).Select(m => m.FullName));
        await Assert.ThrowsAsync<ModelplaneException>(() => _registry.Models.ListAsync(null, "default", CancellationToken.None));
        var duplicate = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.Models.CreateAsync("main", "default", "ANT", null, null, CancellationToken.None));
        Assert.Equal(409, duplicate.StatusCode);
    }

    [Theory]
    [InlineData("main.default")]
    [InlineData("a.b.c.d")]
    [InlineData("main.default.bad/name")]
    public void BadFullNames_Are400NamingFullName(string fullName)
    {
        var error = Assert.Throws<ModelplaneException>(() => RegistryNames.ParseModelFullName(fullName));

        Assert.Equal(400, error.StatusCode);
        Assert.StartsWith("full_name", error.Message, StringComparison.Ordinal);
    }
}
