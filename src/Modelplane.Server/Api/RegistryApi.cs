using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Modelplane.Abstractions;
using Modelplane.Core.Governance.Permissions;
using Modelplane.Core.Registry;

namespace Modelplane.Server.Api;

/// <summary>
/// The Unity Catalog registry API (databricks-serving.md §5.3) under <c>/api/2.1/unity-catalog</c>: catalogs, schemas,
/// registered models, model versions and aliases, with UC's paths and snake_case shapes (RegistryDtos.cs), plus
/// Modelplane's one extension, registering a version by upload (<see cref="RegistryUpload"/>). Lists are sorted; deletes
/// answer <c>{}</c>. Permissions (databricks-serving.md §5): creating catalogs and schemas needs an admin; creating a
/// model needs CAN_CREATE_MODEL on its schema and makes the creator CAN_MANAGE; reading a model and its versions and
/// aliases needs CAN_READ (catalog <c>system</c> is readable by all), adding versions and changing aliases CAN_EDIT,
/// deleting CAN_MANAGE; model lists show only what the caller can read. Errors are thrown as <see cref="ModelplaneException"/> and rendered by the node's error handler.
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
            request.HttpContext.RequireAdmin("create catalogs");
            var body = await RequestBodies.ReadJsonAsync<CreateCatalogRequest>(request);
            return (await catalogs.CreateCatalogAsync(body.Name, body.Comment, request.HttpContext.Caller(), ct)).ToInfo();
        }).Accepts<CreateCatalogRequest>("application/json");
        uc.MapGet("/catalogs", async (CatalogService catalogs, CancellationToken ct) =>
            new CatalogList((await catalogs.ListCatalogsAsync(ct)).Select(c => c.ToInfo()).ToList()));
        uc.MapGet("/catalogs/{name}", async (string name, CatalogService catalogs, CancellationToken ct) =>
            (await catalogs.GetCatalogAsync(name, ct)).ToInfo());

        uc.MapPost("/schemas", async (HttpRequest request, CatalogService catalogs, ObjectPermissionsService grants, CancellationToken ct) =>
        {
            var caller = request.HttpContext.RequireAdmin("create schemas");
            var body = await RequestBodies.ReadJsonAsync<CreateSchemaRequest>(request);
            var schema = await catalogs.CreateSchemaAsync(body.CatalogName, body.Name, body.Comment, request.HttpContext.Caller(), ct);
            await grants.GrantCreatorAsync(PermissionLevels.Schemas, schema.FullName, caller, ct);
            return schema.ToInfo();
        }).Accepts<CreateSchemaRequest>("application/json");
        uc.MapGet("/schemas", async ([FromQuery(Name = "catalog_name")] string? catalogName, CatalogService catalogs, CancellationToken ct) =>
            new SchemaList((await catalogs.ListSchemasAsync(catalogName, ct)).Select(s => s.ToInfo()).ToList()));
        uc.MapGet("/schemas/{fullName}", async (string fullName, CatalogService catalogs, CancellationToken ct) =>
            (await catalogs.GetSchemaAsync(fullName, ct)).ToInfo());

        uc.MapPost("/models", async (HttpRequest request, RegisteredModelService models, ObjectPermissionsService grants, CancellationToken ct) =>
        {
            var body = await RequestBodies.ReadJsonAsync<CreateRegisteredModelRequest>(request);
            var caller = await request.HttpContext.RequireCreateModelAsync(new ModelName(
                RegistryNames.Catalog(body.CatalogName, "catalog_name"), RegistryNames.Schema(body.SchemaName, "schema_name"), RegistryNames.Model(body.Name)));
            var model = await models.CreateAsync(body.CatalogName, body.SchemaName, body.Name, body.Comment, caller.Name, ct);
            await grants.GrantCreatorAsync(PermissionLevels.RegisteredModels, model.FullName, caller, ct);
            return model.ToInfo([]);
        }).Accepts<CreateRegisteredModelRequest>("application/json");
        uc.MapGet("/models", async (
            [FromQuery(Name = "catalog_name")] string? catalogName,
            [FromQuery(Name = "schema_name")] string? schemaName,
            HttpContext http,
            RegisteredModelService models,
            ModelAliasService aliases,
            PermissionService permissions,
            CancellationToken ct) =>
        {
            var visible = await permissions.VisibleAsync(http.CallerIdentity(), PermissionLevels.RegisteredModels, PermissionLevels.CanRead, ct);
            var list = (await models.ListAsync(catalogName, schemaName, ct)).Where(m => visible is null || visible.Contains(m.FullName) || ModelAccess.IsPublic(m.FullName)).ToList();
            var byModel = await aliases.ForModelsAsync(list.Select(m => m.FullName).ToList(), ct);
            return new RegisteredModelList(list.Select(m => m.ToInfo(byModel.GetValueOrDefault(m.FullName))).ToList());
        });
        uc.MapGet("/models/{fullName}", async (string fullName, HttpContext http, RegisteredModelService models, ModelAliasService aliases, CancellationToken ct) =>
        {
            await http.RequireModelAsync(fullName, PermissionLevels.CanRead);
            var model = await models.GetAsync(fullName, ct);
            return model.ToInfo(await AliasesOfAsync(aliases, model.FullName, ct));
        });
        uc.MapDelete("/models/{fullName}", async (string fullName, HttpContext http, RegisteredModelService models, ObjectPermissionsService grants, CancellationToken ct) =>
        {
            var name = await http.RequireModelAsync(fullName, PermissionLevels.CanManage);
            await models.DeleteAsync(fullName, ct);
            await grants.RemoveAllAsync(PermissionLevels.RegisteredModels, name, ct);
            return Results.Json(new { });
        });

        uc.MapGet("/models/{fullName}/versions", async (string fullName, HttpContext http, ModelVersionService versions, ModelAliasService aliases, CancellationToken ct) =>
        {
            await http.RequireModelAsync(fullName, PermissionLevels.CanRead);
            var list = await versions.ListAsync(fullName, ct);
            var modelAliases = list.Count == 0 ? [] : await AliasesOfAsync(aliases, list[0].ModelFullName, ct);
            return new ModelVersionList(list.Select(v => v.ToInfo(modelAliases)).ToList());
        });
        uc.MapPost("/models/{fullName}/versions", RegistryUpload.HandleAsync).DisableAntiforgery();
        uc.MapGet("/models/{fullName}/versions/{version}", async (string fullName, string version, HttpContext http, ModelVersionService versions, ModelAliasService aliases, CancellationToken ct) =>
        {
            await http.RequireModelAsync(fullName, PermissionLevels.CanRead);
            var entity = await versions.GetAsync(fullName, ParseVersion(version), ct);
            return entity.ToInfo(await AliasesOfAsync(aliases, entity.ModelFullName, ct));
        });
        uc.MapDelete("/models/{fullName}/versions/{version}", async (string fullName, string version, HttpContext http, ModelVersionService versions, CancellationToken ct) =>
        {
            await http.RequireModelAsync(fullName, PermissionLevels.CanManage);
            await versions.DeleteAsync(fullName, ParseVersion(version), ct);
            return Results.Json(new { });
        });

        uc.MapPut("/models/{fullName}/aliases/{alias}", async (string fullName, string alias, HttpRequest request, ModelAliasService aliases, CancellationToken ct) =>
        {
            await request.HttpContext.RequireModelAsync(fullName, PermissionLevels.CanEdit);
            var body = await RequestBodies.ReadJsonAsync<SetAliasRequest>(request);
            var version = body.VersionNum ?? throw ModelplaneException.InvalidParameter("version_num is required.");
            return (await aliases.SetAsync(fullName, alias, version, ct)).ToInfo();
        }).Accepts<SetAliasRequest>("application/json");
        uc.MapGet("/models/{fullName}/aliases/{alias}", async (string fullName, string alias, HttpContext http, ModelAliasService aliases, CancellationToken ct) =>
        {
            await http.RequireModelAsync(fullName, PermissionLevels.CanRead);
            var entity = await aliases.GetAsync(fullName, alias, ct);
            return entity.ToInfo(await AliasesOfAsync(aliases, entity.ModelFullName, ct));
        });
        uc.MapDelete("/models/{fullName}/aliases/{alias}", async (string fullName, string alias, HttpContext http, ModelAliasService aliases, CancellationToken ct) =>
        {
            await http.RequireModelAsync(fullName, PermissionLevels.CanEdit);
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
