using Modelplane.Core.Endpoints;
using Modelplane.Core.Serving.Pipeline;

namespace Modelplane.Core.Serving;

/// <summary>
/// A served entity that is live in a config version (DESIGN.md §4): a registered model version on worker replicas
/// (<see cref="CustomModelRuntime"/>) or an external model behind a provider adapter (<see cref="Llm.LlmRuntime"/>).
/// The traffic router picks one per request and calls <see cref="InvokeAsync"/>.
/// </summary>
/// <param name="spec">The resolved entity.</param>
public abstract class ServedEntityRuntime(ResolvedServedEntity spec) : IAsyncDisposable
{
    /// <summary>The resolved entity this runtime serves.</summary>
    public ResolvedServedEntity Spec { get; } = spec;

    /// <summary>Serves one request.</summary>
    /// <exception cref="Abstractions.ModelplaneException">Every failure a client should see.</exception>
    public abstract Task<InvocationResult> InvokeAsync(InvocationContext context, CancellationToken cancellationToken);

    /// <summary>Drains and frees the entity.</summary>
    public abstract ValueTask DisposeAsync();

    /// <summary>The worker replicas serving the entity (autoscaled, health-checked), or null for an external model.</summary>
    public virtual Replicas.ReplicaPool? Replicas => null;
}
