using System.Text.Json.Nodes;
using Modelplane.Abstractions.Flavors;
using Modelplane.Core.Registry;
using Modelplane.Core.Registry.Foundation;
using Modelplane.Core.Storage;

namespace Modelplane.Server.Api;

/// <summary>Turns registry rows into the Unity Catalog wire shapes (RegistryDtos.cs).</summary>
internal static class RegistryMapping
{
    public static CatalogInfo ToInfo(this CatalogEntity c) =>
        new(c.Name, c.Name, "MANAGED_CATALOG", c.Comment, c.Owner, c.CreatedAt, c.Owner);

    public static SchemaInfo ToInfo(this SchemaEntity s) =>
        new(s.Name, s.CatalogName, s.FullName, s.Comment, s.Owner, s.CreatedAt, s.Owner);

    public static RegisteredModelInfo ToInfo(this RegisteredModelEntity m, IReadOnlyList<ModelAliasEntity>? aliases)
    {
        var foundation = FoundationModels.Find(m.FullName);
        return new(m.Name, m.CatalogName, m.SchemaName, m.FullName, m.Comment, m.Owner, m.CreatedAt, m.Owner, m.UpdatedAt,
            foundation is null ? ModelStorage.ModelPath(RegistryNames.ParseModelFullName(m.FullName)) : $"foundation/{foundation.Name}",
            Aliases(aliases, version: null), foundation?.ToInfo());
    }

    public static ModelVersionInfo ToInfo(this ModelVersionEntity v, IReadOnlyList<ModelAliasEntity>? modelAliases)
    {
        var name = RegistryNames.ParseModelFullName(v.ModelFullName);
        return new ModelVersionInfo(
            name.Model,
            name.Catalog,
            name.Schema,
            v.Version,
            v.Status,
            v.StoragePath,
            v.Source,
            v.CreatedAt,
            v.CreatedBy,
            v.Comment,
            Aliases(modelAliases, v.Version),
            v.Sha256,
            v.SizeBytes,
            v.Flavor,
            v.ModelFile,
            v.SignatureJson is null ? null : SignatureJson.ToMlflow(SignatureJson.Deserialize(v.SignatureJson)),
            v.InputExampleJson is null ? null : JsonNode.Parse(v.InputExampleJson),
            ModelFlavor.TaskOf(v.Flavor),
            v.FlavorConfigJson is null ? null : JsonNode.Parse(v.FlavorConfigJson) as JsonObject,
            FoundationModels.Find(v.ModelFullName)?.ToInfo());
    }

    public static FoundationModelInfo ToInfo(this FoundationModel f) =>
        new(f.Task, f.MaxInputTokens, f.Dimensions, f.License, f.Upstream, new FoundationPackageInfo(f.Package.Id, f.Package.Version, f.Package.License));

    public static AliasInfo ToInfo(this ModelAliasEntity a)
    {
        var name = RegistryNames.ParseModelFullName(a.ModelFullName);
        return new AliasInfo(a.Alias, a.Version, name.Model, name.Catalog, name.Schema);
    }

    private static List<RegisteredModelAlias> Aliases(IReadOnlyList<ModelAliasEntity>? aliases, int? version) =>
        (aliases ?? []).Where(a => version is null || a.Version == version).Select(a => new RegisteredModelAlias(a.Alias, a.Version)).ToList();
}
