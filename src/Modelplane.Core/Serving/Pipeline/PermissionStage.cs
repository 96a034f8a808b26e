using Modelplane.Abstractions;
using Modelplane.Core.Governance.Permissions;

namespace Modelplane.Core.Serving.Pipeline;

/// <summary>
/// The pipeline's permission stage (DESIGN.md §3; databricks-serving.md §5): the caller (<see cref="InvocationContext.Identity"/>)
/// must hold CAN_QUERY on the endpoint, directly or through its groups, else 403 <c>PERMISSION_DENIED</c> naming
/// CAN_QUERY; admins always pass. It runs before the payload is decoded, so a caller without access learns nothing
/// from a 400, and inside capture, so a denied request is still a usage row. Grants are read through
/// <see cref="PermissionService"/>'s short cache, so a grant change applies without rebuilding the pipeline.
/// </summary>
/// <param name="inner">The next stage.</param>
/// <param name="permissions">The node's permission service.</param>
/// <param name="endpointId">The endpoint's id (grants name endpoints by id).</param>
/// <param name="endpointName">The endpoint's name, for the error message.</param>
public sealed class PermissionStage(InvocationHandler inner, PermissionService permissions, string endpointId, string endpointName)
    : DelegatingInvocationHandler(inner)
{
    /// <inheritdoc />
    /// <exception cref="ModelplaneException">401 without an identity; 403 <c>PERMISSION_DENIED</c> without CAN_QUERY.</exception>
    public override async Task<InvocationResult> InvokeAsync(InvocationContext context, CancellationToken cancellationToken)
    {
        var caller = context.Identity ?? throw new ModelplaneException(ErrorCode.Unauthenticated, "Authentication is required: send 'Authorization: Bearer <token>'.");
        await permissions.RequireAsync(caller, PermissionLevels.ServingEndpoints, endpointId, PermissionLevels.CanQuery, $"serving endpoint '{endpointName}'", cancellationToken);
        return await Inner.InvokeAsync(context, cancellationToken);
    }
}
