namespace Modelplane.Client;

/// <summary>Unity Catalog registry calls, <c>/api/2.1/unity-catalog/models</c> (databricks-serving.md §5.3).</summary>
public sealed partial class ModelplaneClient
{
    private const string ModelsPath = "api/2.1/unity-catalog/models";

    /// <summary><c>POST /api/2.1/unity-catalog/models</c>: creates an empty registered model.</summary>
    /// <param name="fullName"><c>catalog.schema.model</c>.</param>
    /// <param name="comment">Free text, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The model. 409 <c>RESOURCE_ALREADY_EXISTS</c> when it exists.</returns>
    public Task<RegisteredModel> CreateModelAsync(string fullName, string? comment = null, CancellationToken cancellationToken = default)
    {
        var (catalog, schema, name) = ModelName.Split(fullName);
        return SendAsync<RegisteredModel>(HttpMethod.Post, ModelsPath, new CreateModelRequest(catalog, schema, name, comment), cancellationToken);
    }

    /// <summary><c>GET /api/2.1/unity-catalog/models?catalog_name=&amp;schema_name=</c>.</summary>
    /// <param name="catalog">Only models of this catalog, or null for all.</param>
    /// <param name="schema">Only models of this schema, or null for all.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The registered models.</returns>
    public async Task<IReadOnlyList<RegisteredModel>> ListModelsAsync(string? catalog = null, string? schema = null, CancellationToken cancellationToken = default)
    {
        var query = new List<string>();
        if (!string.IsNullOrEmpty(catalog))
        {
            query.Add("catalog_name=" + Escape(catalog));
        }

        if (!string.IsNullOrEmpty(schema))
        {
            query.Add("schema_name=" + Escape(schema));
        }

        var path = query.Count == 0 ? ModelsPath : ModelsPath + "?" + string.Join('&', query);
        var list = await SendAsync<RegisteredModelList>(HttpMethod.Get, path, null, cancellationToken);
        return list.RegisteredModels ?? [];
    }

    /// <summary><c>GET /api/2.1/unity-catalog/models/{full_name}</c>; 404 <c>RESOURCE_DOES_NOT_EXIST</c> when absent.</summary>
    /// <param name="fullName"><c>catalog.schema.model</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The model with its aliases.</returns>
    public Task<RegisteredModel> GetModelAsync(string fullName, CancellationToken cancellationToken = default) =>
        SendAsync<RegisteredModel>(HttpMethod.Get, ModelPath(fullName), null, cancellationToken);

    /// <summary><c>DELETE /api/2.1/unity-catalog/models/{full_name}</c>: the model and all its versions.</summary>
    /// <param name="fullName"><c>catalog.schema.model</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Completes when deleted; 409 when an endpoint serves one of its versions.</returns>
    public Task DeleteModelAsync(string fullName, CancellationToken cancellationToken = default) =>
        SendAsync<EmptyResponse>(HttpMethod.Delete, ModelPath(fullName), null, cancellationToken);

    /// <summary><c>GET .../models/{full_name}/versions</c>.</summary>
    /// <param name="fullName"><c>catalog.schema.model</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The versions, as the node orders them.</returns>
    public async Task<IReadOnlyList<ModelVersion>> ListModelVersionsAsync(string fullName, CancellationToken cancellationToken = default)
    {
        var list = await SendAsync<ModelVersionList>(HttpMethod.Get, ModelPath(fullName) + "/versions", null, cancellationToken);
        return list.ModelVersions ?? [];
    }

    /// <summary><c>GET .../models/{full_name}/versions/{version}</c>.</summary>
    /// <param name="fullName"><c>catalog.schema.model</c>.</param>
    /// <param name="version">Version number, from 1.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The version.</returns>
    public Task<ModelVersion> GetModelVersionAsync(string fullName, int version, CancellationToken cancellationToken = default) =>
        SendAsync<ModelVersion>(HttpMethod.Get, $"{ModelPath(fullName)}/versions/{version}", null, cancellationToken);

    /// <summary><c>DELETE .../models/{full_name}/versions/{version}</c>; refused (409) while an endpoint serves it.</summary>
    /// <param name="fullName"><c>catalog.schema.model</c>.</param>
    /// <param name="version">Version number.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Completes when deleted.</returns>
    public Task DeleteModelVersionAsync(string fullName, int version, CancellationToken cancellationToken = default) =>
        SendAsync<EmptyResponse>(HttpMethod.Delete, $"{ModelPath(fullName)}/versions/{version}", null, cancellationToken);

    /// <summary><c>PUT .../models/{full_name}/aliases/{alias}</c> with <c>{"version_num": N}</c>.</summary>
    /// <param name="fullName"><c>catalog.schema.model</c>.</param>
    /// <param name="alias">Alias name; <c>latest</c> is reserved.</param>
    /// <param name="version">The version it points at.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The alias, <c>{alias_name, version_num, ...}</c>.</returns>
    public Task<ModelAlias> SetAliasAsync(string fullName, string alias, int version, CancellationToken cancellationToken = default) =>
        SendAsync<ModelAlias>(HttpMethod.Put, AliasPath(fullName, alias), new SetAliasRequest(version), cancellationToken);

    /// <summary><c>GET .../models/{full_name}/aliases/{alias}</c>: the version the alias points at.</summary>
    /// <param name="fullName"><c>catalog.schema.model</c>.</param>
    /// <param name="alias">Alias name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The model version (Unity Catalog's get-by-alias shape).</returns>
    public Task<ModelVersion> GetAliasAsync(string fullName, string alias, CancellationToken cancellationToken = default) =>
        SendAsync<ModelVersion>(HttpMethod.Get, AliasPath(fullName, alias), null, cancellationToken);

    /// <summary><c>DELETE .../models/{full_name}/aliases/{alias}</c>.</summary>
    /// <param name="fullName"><c>catalog.schema.model</c>.</param>
    /// <param name="alias">Alias name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Completes when deleted.</returns>
    public Task DeleteAliasAsync(string fullName, string alias, CancellationToken cancellationToken = default) =>
        SendAsync<EmptyResponse>(HttpMethod.Delete, AliasPath(fullName, alias), null, cancellationToken);

    private static string ModelPath(string fullName) => $"{ModelsPath}/{Escape(fullName)}";

    private static string AliasPath(string fullName, string alias) => $"{ModelPath(fullName)}/aliases/{Escape(alias)}";
}
