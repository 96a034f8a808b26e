using Modelplane.Abstractions;
using Modelplane.Core.Endpoints;

namespace Modelplane.Core.Tests.Registry;

public sealed class ModelAliasTests : IDisposable
{
    private const string Model = "main.default.iris";
    private readonly RegistryFixture _registry = new();

    public ModelAliasTests()
    {
        for (var i = 0; i < 3; i++)
        {
            _registry.RegisterAsync(Model, TestArchives.FakeOnnx, "m.onnx").GetAwaiter().GetResult();
        }
    }

    public void Dispose() => _registry.Dispose();

    private async Task<int> ResolveAsync(string versionOrAlias) =>
        (await _registry.Versions.ResolveVersionAsync(Model, versionOrAlias, CancellationToken.None)).Version;

    [Theory]
    [InlineData("latest")]
    [InlineData("LATEST")]
    [InlineData("Latest")]
    public async Task Latest_IsReservedInAnyCase(string alias)
    {
        var error = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.Aliases.SetAsync(Model, alias, 1, CancellationToken.None));

        Assert.Equal(400, error.StatusCode);
        Assert.Contains("'latest' is reserved", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("7")]
    [InlineData("v2")]
    [InlineData("V10")]
    [InlineData("has space")]
    [InlineData("dot.ted")]
    public async Task VersionLikeOrInvalidAliases_AreRefused(string alias)
    {
        var error = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.Aliases.SetAsync(Model, alias, 1, CancellationToken.None));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.ErrorCode);
        Assert.Contains(alias, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alias_IsCaseInsensitiveAndStoredLowerCase()
    {
        var set = await _registry.Aliases.SetAsync(Model, "Champion", 2, CancellationToken.None);

        Assert.Equal("champion", set.Alias);
        Assert.Equal(2, await ResolveAsync("CHAMPION"));
        Assert.Equal(2, (await _registry.Aliases.GetAsync(Model, "champion", CancellationToken.None)).Version);
    }

    [Fact]
    public async Task SettingAgain_MovesTheAlias()
    {
        await _registry.Aliases.SetAsync(Model, "champion", 1, CancellationToken.None);
        await _registry.Aliases.SetAsync(Model, "CHAMPION", 3, CancellationToken.None);

        Assert.Equal(3, await ResolveAsync("champion"));
        var aliases = await _registry.Aliases.ForModelsAsync([Model], CancellationToken.None);
        Assert.Equal(("champion", 3), aliases[Model].Select(a => (a.Alias, a.Version)).Single());
    }

    [Fact]
    public async Task Resolve_NumberLatestAndAlias()
    {
        await _registry.Aliases.SetAsync(Model, "challenger", 1, CancellationToken.None);
        IModelVersionResolver resolver = _registry.Versions;

        Assert.Equal(2, await ResolveAsync("2"));
        Assert.Equal(3, await ResolveAsync("latest"));
        Assert.Equal(3, await ResolveAsync("Latest"));
        Assert.Equal(1, await ResolveAsync("challenger"));
        Assert.Equal(1, (await resolver.ResolveAsync("MAIN.DEFAULT.IRIS", "challenger", CancellationToken.None)).Version);
    }

    [Theory]
    [InlineData(Model, "9", "Version 9 of model 'main.default.iris' does not exist.")]
    [InlineData(Model, "ghost", "Alias 'ghost' of model 'main.default.iris' does not exist.")]
    [InlineData("main.default.nope", "1", "Registered model 'main.default.nope' does not exist.")]
    public async Task Resolve_NamesWhatWasNotFound(string model, string versionOrAlias, string message)
    {
        var error = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.Versions.ResolveVersionAsync(model, versionOrAlias, CancellationToken.None));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, error.ErrorCode);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task Latest_AfterDeletingTheHighest_IsTheNextHighest()
    {
        await _registry.Versions.DeleteAsync(Model, 3, CancellationToken.None);

        Assert.Equal(2, await ResolveAsync("latest"));
    }

    [Fact]
    public async Task SetOnMissingVersion_Is404()
    {
        var error = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.Aliases.SetAsync(Model, "champion", 42, CancellationToken.None));

        Assert.Equal(404, error.StatusCode);
        Assert.Contains("Version 42", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeletingTheVersion_RemovesItsAliases()
    {
        await _registry.Aliases.SetAsync(Model, "champion", 2, CancellationToken.None);
        await _registry.Aliases.SetAsync(Model, "stable", 1, CancellationToken.None);

        await _registry.Versions.DeleteAsync(Model, 2, CancellationToken.None);

        var error = await Assert.ThrowsAsync<ModelplaneException>(() => ResolveAsync("champion"));
        Assert.Contains("Alias 'champion'", error.Message, StringComparison.Ordinal);
        Assert.Equal(1, await ResolveAsync("stable"));
    }

    [Fact]
    public async Task DeleteAlias_RemovesItAndAMissingOneIs404()
    {
        await _registry.Aliases.SetAsync(Model, "champion", 2, CancellationToken.None);

        await _registry.Aliases.DeleteAsync(Model, "Champion", CancellationToken.None);

        await Assert.ThrowsAsync<ModelplaneException>(() => _registry.Aliases.GetAsync(Model, "champion", CancellationToken.None));
        var error = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.Aliases.DeleteAsync(Model, "champion", CancellationToken.None));
        Assert.Equal(404, error.StatusCode);
    }

    [Fact]
    public async Task GetAliasByNumber_IsNotAVersionLookup()
    {
        var error = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.Aliases.GetAsync(Model, "2", CancellationToken.None));

        Assert.Equal(404, error.StatusCode);
    }
}
