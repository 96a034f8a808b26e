using Modelplane.Abstractions;

namespace Modelplane.Core.Tests.Registry.Foundation;

/// <summary>Every registry write under catalog <c>system</c> is refused with 403; reads work.</summary>
public sealed class FoundationReadOnlyTests : IDisposable
{
    private const string Arctic = "system.ai.arctic_embed_xs";
    private readonly RegistryFixture _registry = new();

    public void Dispose() => _registry.Dispose();

    public static TheoryData<string> Writes => new()
    {
        "create catalog", "create schema", "create model", "create model in new schema", "register version", "delete model",
        "delete version", "set alias", "delete alias",
    };

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task Writes_under_system_are_403_naming_system_ai(string write)
    {
        var ct = CancellationToken.None;
        Func<Task> act = write switch
        {
            "create catalog" => () => _registry.Catalogs.CreateCatalogAsync("SYSTEM", null, "bob", ct),
            "create schema" => () => _registry.Catalogs.CreateSchemaAsync("system", "mine", null, "bob", ct),
            "create model" => () => _registry.Models.CreateAsync("system", "ai", "mine", null, "bob", ct),
            "create model in new schema" => () => _registry.Models.CreateAsync("system", "other", "mine", null, "bob", ct),
            "register version" => () => _registry.RegisterAsync(Arctic, [8, 1, 2], "model.onnx"),
            "delete model" => () => _registry.Models.DeleteAsync(Arctic, ct),
            "delete version" => () => _registry.Versions.DeleteAsync(Arctic, 1, ct),
            "set alias" => () => _registry.Aliases.SetAsync(Arctic, "champion", 1, ct),
            "delete alias" => () => _registry.Aliases.DeleteAsync(Arctic, "champion", ct),
            _ => throw new ArgumentOutOfRangeException(nameof(write)),
        };

        var error = await Assert.ThrowsAsync<ModelplaneException>(act);

        Assert.Equal((ErrorCode.PermissionDenied, 403), (error.ErrorCode, error.StatusCode));
        Assert.StartsWith("system.ai is read-only: cannot ", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, (await _registry.Models.ListAsync("system", null, ct)).Count);
        Assert.Single(await _registry.Versions.ListAsync(Arctic, ct));
        Assert.Empty(await _registry.Aliases.ForModelsAsync([Arctic], ct));
        Assert.Empty(_registry.TempEntries());
    }

    [Fact]
    public async Task Reads_under_system_work_and_other_catalogs_stay_writable()
    {
        var ct = CancellationToken.None;

        var catalog = await _registry.Catalogs.GetCatalogAsync("system", ct);
        var schemas = await _registry.Catalogs.ListSchemasAsync("system", ct);
        var model = await _registry.Models.GetAsync(Arctic, ct);
        var latest = await _registry.Versions.ResolveVersionAsync(Arctic, "latest", ct);
        await _registry.Models.CreateAsync("main", "default", "arctic_embed_xs", null, "bob", ct);

        Assert.Equal(("system", "system"), (catalog.Name, catalog.Owner));
        Assert.Equal(["system.ai"], schemas.Select(s => s.FullName));
        Assert.Equal("arctic_embed_xs", model.Name);
        Assert.Equal(1, latest.Version);
        Assert.NotNull(await _registry.Models.GetAsync("main.default.arctic_embed_xs", ct));
    }
}
