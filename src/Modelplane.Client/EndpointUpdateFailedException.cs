namespace Modelplane.Client;

/// <summary>
/// <see cref="ModelplaneClient.WaitForEndpointAsync"/> saw the endpoint's config update fail:
/// <c>state.config_update</c> is <c>UPDATE_FAILED</c> (or <c>UPDATE_CANCELED</c>), or the endpoint is idle and not
/// ready with a served entity in <c>DEPLOYMENT_FAILED</c>. The previous config, if any, keeps serving
/// (databricks-serving.md §1.1). The build logs of <see cref="FailedEntities"/> say why.
/// </summary>
public sealed class EndpointUpdateFailedException : Exception
{
    /// <summary>Creates the error from the endpoint object that showed the failure.</summary>
    /// <param name="endpoint">The endpoint as last read.</param>
    /// <param name="failedEntities">Served entity names whose deployment failed (may be empty when none is marked).</param>
    /// <param name="message">A one-line description naming the endpoint and the entities' state messages.</param>
    public EndpointUpdateFailedException(ServingEndpoint endpoint, IReadOnlyList<string> failedEntities, string message)
        : base(message)
    {
        Endpoint = endpoint;
        FailedEntities = failedEntities;
    }

    /// <summary>The endpoint object read last.</summary>
    public ServingEndpoint Endpoint { get; }

    /// <summary>Names of the served entities whose deployment failed; read their build logs.</summary>
    public IReadOnlyList<string> FailedEntities { get; }
}
