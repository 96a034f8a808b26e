using System.Text.Json;

namespace Modelplane.Client;

/// <summary>Serving-endpoint calls, <c>/api/2.0/serving-endpoints</c> (databricks-serving.md §1.1).</summary>
public sealed partial class ModelplaneClient
{
    private const string EndpointsPath = "api/2.0/serving-endpoints";

    /// <summary><c>POST /api/2.0/serving-endpoints</c>. The config applies asynchronously: wait with <see cref="WaitForEndpointAsync"/>.</summary>
    /// <param name="request">Name, config (served entities, traffic), tags, description.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The endpoint object, usually with <c>config_update: IN_PROGRESS</c>. 409 when the name exists.</returns>
    public Task<ServingEndpoint> CreateEndpointAsync(CreateEndpointRequest request, CancellationToken cancellationToken = default) =>
        SendAsync<ServingEndpoint>(HttpMethod.Post, EndpointsPath, request, cancellationToken);

    /// <summary><c>GET /api/2.0/serving-endpoints</c>: every endpoint, in the summary shape.</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The endpoints.</returns>
    public async Task<IReadOnlyList<ServingEndpoint>> ListEndpointsAsync(CancellationToken cancellationToken = default)
    {
        var list = await SendAsync<ServingEndpointList>(HttpMethod.Get, EndpointsPath, null, cancellationToken);
        return list.Endpoints ?? [];
    }

    /// <summary><c>GET /api/2.0/serving-endpoints/{name}</c>; 404 <c>RESOURCE_DOES_NOT_EXIST</c> when absent.</summary>
    /// <param name="name">Endpoint name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The detailed endpoint object.</returns>
    public Task<ServingEndpoint> GetEndpointAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<ServingEndpoint>(HttpMethod.Get, EndpointPath(name), null, cancellationToken);

    /// <summary><c>DELETE /api/2.0/serving-endpoints/{name}</c>.</summary>
    /// <param name="name">Endpoint name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>Completes when deleted.</returns>
    public Task DeleteEndpointAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<EmptyResponse>(HttpMethod.Delete, EndpointPath(name), null, cancellationToken);

    /// <summary>
    /// <c>PUT /api/2.0/serving-endpoints/{name}/config</c> with <c>{served_entities, traffic_config}</c>: a new config
    /// version, applied asynchronously; 409 <c>RESOURCE_CONFLICT</c> while another update is <c>IN_PROGRESS</c>.
    /// </summary>
    /// <param name="name">Endpoint name.</param>
    /// <param name="config">The whole desired config.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The endpoint object with <c>pending_config</c>.</returns>
    public Task<ServingEndpoint> UpdateEndpointConfigAsync(string name, EndpointConfig config, CancellationToken cancellationToken = default) =>
        SendAsync<ServingEndpoint>(HttpMethod.Put, EndpointPath(name) + "/config", config, cancellationToken);

    /// <summary>
    /// <c>POST /api/2.0/serving-endpoints/{name}/rebuild</c> (Modelplane extension): a new config version identical to
    /// the active one whose images are built on the node's current runtime; 409 while another update is in progress.
    /// </summary>
    /// <param name="name">Endpoint name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The endpoint object with <c>pending_config</c>.</returns>
    public Task<ServingEndpoint> RebuildEndpointAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<ServingEndpoint>(HttpMethod.Post, EndpointPath(name) + "/rebuild", new { }, cancellationToken);

    /// <summary><c>PATCH /api/2.0/serving-endpoints/{name}/tags</c> with <c>{add_tags, delete_tags}</c>.</summary>
    /// <param name="name">Endpoint name.</param>
    /// <param name="add">Tags to add or overwrite.</param>
    /// <param name="delete">Keys to remove.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The endpoint's tags afterwards.</returns>
    public async Task<IReadOnlyList<EndpointTag>> PatchEndpointTagsAsync(string name, IEnumerable<EndpointTag> add, IEnumerable<string> delete, CancellationToken cancellationToken = default)
    {
        var body = new PatchTagsRequest([.. add], [.. delete]);
        var answer = await SendAsync<TagsResponse>(HttpMethod.Patch, EndpointPath(name) + "/tags", body, cancellationToken);
        return answer.Tags ?? [];
    }

    /// <summary><c>GET .../{name}/served-models/{served_model_name}/build-logs</c>: image build and load output.</summary>
    /// <param name="name">Endpoint name.</param>
    /// <param name="servedModelName">Served entity name, e.g. <c>iris-1</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The log text (may be empty).</returns>
    public async Task<string> GetBuildLogsAsync(string name, string servedModelName, CancellationToken cancellationToken = default) =>
        (await SendAsync<LogsResponse>(HttpMethod.Get, $"{EndpointPath(name)}/served-models/{Escape(servedModelName)}/build-logs", null, cancellationToken)).Logs ?? "";

    /// <summary><c>GET .../{name}/served-models/{served_model_name}/logs</c>: the latest lines of the model server.</summary>
    /// <param name="name">Endpoint name.</param>
    /// <param name="servedModelName">Served entity name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The log text (may be empty).</returns>
    public async Task<string> GetServerLogsAsync(string name, string servedModelName, CancellationToken cancellationToken = default) =>
        (await SendAsync<LogsResponse>(HttpMethod.Get, $"{EndpointPath(name)}/served-models/{Escape(servedModelName)}/logs", null, cancellationToken)).Logs ?? "";

    /// <summary><c>GET /api/2.0/serving-endpoints/{name}/openapi</c>: the OpenAPI document of the endpoint's query schema.</summary>
    /// <param name="name">Endpoint name.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The document, as sent.</returns>
    public Task<JsonElement> GetEndpointOpenApiAsync(string name, CancellationToken cancellationToken = default) =>
        SendAsync<JsonElement>(HttpMethod.Get, EndpointPath(name) + "/openapi", null, cancellationToken);

    private static string EndpointPath(string name) => $"{EndpointsPath}/{Escape(name)}";
}
