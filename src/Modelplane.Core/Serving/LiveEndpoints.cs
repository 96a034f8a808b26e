using System.Collections.Concurrent;
using Modelplane.Core.Endpoints;

namespace Modelplane.Core.Serving;

/// <summary>
/// The node's live endpoint snapshots by name, plus the deployment state of entities being loaded. Swaps are atomic;
/// readers never lock.
/// </summary>
public sealed class LiveEndpoints
{
    private readonly ConcurrentDictionary<string, EndpointRuntime> byName = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string EndpointId, int Version, string Entity), ServedEntityState> states = new();

    /// <summary>The live snapshot of an endpoint, or null when none is loaded.</summary>
    public EndpointRuntime? Find(string name) => byName.TryGetValue(name, out var r) ? r : null;

    /// <summary>Installs a snapshot and returns the one it replaced.</summary>
    public EndpointRuntime? Swap(EndpointRuntime runtime)
    {
        EndpointRuntime? previous = null;
        byName.AddOrUpdate(runtime.Name, runtime, (_, old) => { previous = old; return runtime; });
        return previous;
    }

    /// <summary>Replaces <paramref name="expected"/> by <paramref name="replacement"/> only if it is still the live snapshot
    /// (a config rollout may have swapped in another meanwhile); returns whether it did.</summary>
    public bool TryReplace(EndpointRuntime expected, EndpointRuntime replacement) => byName.TryUpdate(expected.Name, replacement, expected);

    /// <summary>Removes an endpoint's snapshot, returning it.</summary>
    public EndpointRuntime? Remove(string name) => byName.TryRemove(name, out var r) ? r : null;

    /// <summary>All snapshots.</summary>
    public IEnumerable<EndpointRuntime> All => byName.Values;

    /// <summary>Records an entity's deployment state for a config version.</summary>
    public void SetState(string endpointId, int version, string entity, ServedEntityState state) => states[(endpointId, version, entity)] = state;

    /// <summary>An entity's recorded deployment state, or null.</summary>
    public ServedEntityState? GetState(string endpointId, int version, string entity) =>
        states.TryGetValue((endpointId, version, entity), out var s) ? s : null;
}
