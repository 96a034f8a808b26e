using System.Diagnostics;

namespace Modelplane.Client;

/// <summary>Waiting for an endpoint's config to apply, like the Databricks SDK's create/update waiter (§1.1).</summary>
public sealed partial class ModelplaneClient
{
    /// <summary>The Databricks SDK's default wait: 20 minutes.</summary>
    public static readonly TimeSpan DefaultWaitTimeout = TimeSpan.FromMinutes(20);

    /// <summary>
    /// Polls <c>GET /api/2.0/serving-endpoints/{name}</c> with back-off (<see cref="BackoffDelay"/>: 1 s, +1 s per
    /// try, at most 10 s) until <c>state.config_update</c> has left <c>IN_PROGRESS</c> and <c>state.ready</c> is
    /// <c>READY</c>.
    /// </summary>
    /// <param name="name">Endpoint name.</param>
    /// <param name="timeout">How long to wait in all.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The ready endpoint object.</returns>
    /// <exception cref="EndpointUpdateFailedException">The update failed; read the build logs of the named entities.</exception>
    /// <exception cref="TimeoutException">Not ready within <paramref name="timeout"/>.</exception>
    /// <exception cref="ModelplaneApiException">A poll failed, e.g. 404 when the endpoint does not exist.</exception>
    public async Task<ServingEndpoint> WaitForEndpointAsync(string name, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            var endpoint = await GetEndpointAsync(name, cancellationToken);
            switch (Classify(endpoint, out var failed))
            {
                case EndpointWaitState.Ready:
                    return endpoint;
                case EndpointWaitState.Failed:
                    throw new EndpointUpdateFailedException(endpoint, failed, FailureMessage(name, endpoint, failed));
            }

            var remaining = timeout - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException(
                    $"Endpoint '{name}' was not ready after {timeout.TotalSeconds:0} s " +
                    $"(ready: {endpoint.State?.Ready ?? "?"}, config_update: {endpoint.State?.ConfigUpdate ?? "?"}).");
            }

            var delay = PollDelay(attempt);
            await Task.Delay(delay < remaining ? delay : remaining, cancellationToken);
        }
    }

    /// <summary>Where an endpoint stands for the waiter; <paramref name="failedEntities"/> names the failed entities.</summary>
    internal static EndpointWaitState Classify(ServingEndpoint endpoint, out IReadOnlyList<string> failedEntities)
    {
        var entities = (endpoint.PendingConfig?.ServedEntities ?? []).Concat(endpoint.FailedConfig?.ServedEntities ?? []).Concat(endpoint.Config?.ServedEntities ?? []);
        failedEntities = entities
            .Where(e => e.State?.Deployment is "DEPLOYMENT_FAILED" or "DEPLOYMENT_ABORTED")
            .Select(e => e.Name ?? e.EntityName ?? "?")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var update = endpoint.State?.ConfigUpdate;
        var ready = endpoint.State?.Ready == "READY";
        return update switch
        {
            "UPDATE_FAILED" or "UPDATE_CANCELED" => EndpointWaitState.Failed,
            "IN_PROGRESS" => EndpointWaitState.Pending,
            _ when ready => EndpointWaitState.Ready,
            _ when failedEntities.Count > 0 => EndpointWaitState.Failed,
            _ => EndpointWaitState.Pending,
        };
    }

    private static string FailureMessage(string name, ServingEndpoint endpoint, IReadOnlyList<string> failed)
    {
        var messages = (endpoint.PendingConfig?.ServedEntities ?? []).Concat(endpoint.FailedConfig?.ServedEntities ?? []).Concat(endpoint.Config?.ServedEntities ?? [])
            .Where(e => failed.Contains(e.Name ?? e.EntityName ?? "?") && !string.IsNullOrWhiteSpace(e.State?.DeploymentStateMessage))
            .Select(e => $"{e.Name}: {e.State!.DeploymentStateMessage}")
            .Distinct(StringComparer.Ordinal);
        var detail = string.Join("; ", messages);
        var hint = failed.Count > 0
            ? $" See GET /{EndpointPath(name)}/served-models/{failed[0]}/build-logs."
            : "";
        return $"Endpoint '{name}' config update failed ({endpoint.State?.ConfigUpdate ?? "DEPLOYMENT_FAILED"})" +
            (detail.Length > 0 ? $": {detail}." : ".") + hint;
    }
}

/// <summary>What <see cref="ModelplaneClient.WaitForEndpointAsync"/> makes of one poll.</summary>
internal enum EndpointWaitState
{
    /// <summary>Still updating or not ready: poll again.</summary>
    Pending,
    /// <summary>Idle and ready.</summary>
    Ready,
    /// <summary>The update failed.</summary>
    Failed,
}
