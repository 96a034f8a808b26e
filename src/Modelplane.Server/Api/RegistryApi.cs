using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Modelplane.Abstractions;
using Modelplane.Core.Registry;

namespace Modelplane.Server.Api;

/// <summary>
/// The Unity Catalog registry API (databricks-serving.md §5.3) under <c>/api/2.1/unity-catalog</c>: catalogs, schemas,
/// registered models, model versions and aliases, with UC's paths and snake_case shapes (RegistryDtos.cs), plus
/// Modelplane's one extension, registering a version by upload (<see cref="RegistryUpload"/>). Lists are sorted; deletes
/// answer <c>{}</c>. Errors are thrown as <see cref="ModelplaneException"/> and rendered by the node's error handler.
/// </summary>
public static class RegistryApi
{
    /// <summary>Maps the routes.</summary>
    /// <param name="app">The route builder.</param>
    /// <returns>The same builder.</returns>
    public static IEndpointRouteBuilder MapRegistryApi(this IEndpointRouteBuilder app)
    {
        var uc = app.MapGroup("/api/2.1/unity-catalog").WithTags("Registry");

        uc.MapPost("/catalogs", async (HttpRequest request, CatalogService catalogs, CancellationToken ct) =>
        {
            var body = await RequestBodies.ReadJsonAsync<CreateCatalogRequest>(request);
            return (await catalogs.CreateCatalogAsync(body.Name, body.Comment, request.HttpContext.Caller(), ct)).ToInfo();
        }).Accepts<CreateCatalogRequest>("application/json");
        uc.MapGet("/catalogs", async (CatalogService catalogs, CancellationToken ct) =>
            new CatalogList((await catalogs.ListCatalogsAsync(ct)).Select(c => c.ToInfo()).ToList()));
        uc.MapGet("/catalogs/{name}", async (string name, CatalogService catalogs, CancellationToken ct) =>
            (await catalogs.GetCatalogAsync(name, ct)).ToInfo());

        uc.MapPost("/schemas", async (HttpRequest request, CatalogService catalogs, CancellationToken ct) =>
        {
            var body = await RequestBodies.ReadJsonAsync<CreateSchemaRequest>(request);
            return (await catalogs.CreateSchemaAsync(body.CatalogName, body.Name, body.Comment, request.HttpContext.Caller(), ct)).ToInfo();
        }).Accepts<CreateSchemaRequest>("application/json");
        uc.MapGet("/schemas", async ([FromQuery(Name = "catalog_name")] string? catalogName, CatalogService catalogs, CancellationToken ct) =>
            new SchemaList((await catalogs.ListSchemasAsync(catalogName, ct)).Select(s => s.ToInfo()).ToList()));
        uc.MapGet("/schemas/{fullName}", async (string fullName, CatalogService catalogs, CancellationToken ct) =>
            (await catalogs.GetSchemaAsync(fullName, ct)).ToInfo());

        uc.MapPost("/models", async (HttpRequest request, RegisteredModelService models, CancellationToken ct) =>
        {
            var body = await RequestBodies.ReadJsonAsync<CreateRegisteredModelRequest>(request);
            return (await models.CreateAsync(body.CatalogName, body.SchemaName, body.Name, body.Comment, request.HttpContext.Caller(), ct)).ToInfo([]);
        }).Accepts<CreateRegisteredModelRequest>("application/json");
        uc.MapGet("/models", async (
            [FromQuery(Name = "catalog_name")] string? catalogName,
            [FromQuery(Name = "schema_name")] string? schemaName,
            RegisteredModelService models,
            ModelAliasService aliases,
            CancellationToken ct) =>
        {
            var list = await models.ListAsync(catalogName, schemaName, ct);
            var byModel = await aliases.ForModelsAsync(list.Select(m => m.FullName).ToList(), ct);
            return new RegisteredModelList(list.Select(m => m.ToInfo(byModel.GetValueOrDefault(m.FullName))).ToList());
        });
        uc.MapGet("/models/{fullName}", async (string fullName, RegisteredModelService models, ModelAliasService aliases, CancellationToken ct) =>
        {
            var model = await models.GetAsync(fullName, ct);
            return model.ToInfo(await AliasesOfAsync(aliases, model.FullName, ct));
        });
        uc.MapDelete("/models/{fullName}", async (string fullName, RegisteredModelService models, CancellationToken ct) =>
        {
            await models.DeleteAsync(fullName, ct);
            return Results.Json(new { });
        });

        uc.MapGet("/models/{fullName}/versions", async (string fullName, ModelVersionService versions, ModelAliasService aliases, CancellationToken ct) =>
        {
            var list = await versions.ListAsync(fullName, ct);
            var modelAliases = list.Count == 0 ? [] : await AliasesOfAsync(aliases, list[0].ModelFullName, ct);
            return new ModelVersionList(list.Select(v => v.ToInfo(modelAliases)).ToList());
        });
        uc.MapPost("/models/{fullName}/versions", RegistryUpload.HandleAsync).DisableAntiforgery();
        uc.MapGet("/models/{fullName}/versions/{version}", async (string fullName, string version, ModelVersionService versions, ModelAliasService aliases, CancellationToken ct) =>
        {
            var entity = await versions.GetAsync(fullName, ParseVersion(version), ct);
            return entity.ToInfo(await AliasesOfAsync(aliases, entity.ModelFullName, ct));
        });
        uc.MapDelete("/models/{fullName}/versions/{version}", async (string fullName, string version, ModelVersionService versions, CancellationToken ct) =>
        {
            await versions.DeleteAsync(fullName, ParseVersion(version), ct);
            return Results.Json(new { });
        });

        uc.MapPut("/models/{fullName}/aliases/{alias}", async (string fullName, string alias, HttpRequest request, ModelAliasService aliases, CancellationToken ct) =>
        {
            var body = await RequestBodies.ReadJsonAsync<SetAliasRequest>(request);
            var version = body.VersionNum ?? throw ModelplaneException.InvalidParameter("version_num is required.");
            return (await aliases.SetAsync(fullName, alias, version, ct)).ToInfo();
        }).Accepts<SetAliasRequest>("application/json");
        uc.MapGet("/models/{fullName}/aliases/{alias}", async (string fullName, string alias, ModelAliasService aliases, CancellationToken ct) =>
        {
            var entity = await aliases.GetAsync(fullName, alias, ct);
            return entity.ToInfo(await AliasesOfAsync(aliases, entity.ModelFullName, ct));
        });
        uc.MapDelete("/models/{fullName}/aliases/{alias}", async (string fullName, string alias, ModelAliasService aliases, CancellationToken ct) =>
        {
            await aliases.DeleteAsync(fullName, alias, ct);
            return Results.Json(new { });
        });
        return app;
    }

    private static async Task<IReadOnlyList<Core.Storage.ModelAliasEntity>> AliasesOfAsync(ModelAliasService aliases, string modelFullName, CancellationToken ct) =>
        (await aliases.ForModelsAsync([modelFullName], ct)).GetValueOrDefault(modelFullName) ?? [];

    private static int ParseVersion(string version) =>
        int.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw ModelplaneException.InvalidParameter($"version '{version}' must be a positive integer.");
}
