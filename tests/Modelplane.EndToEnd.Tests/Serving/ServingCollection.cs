namespace Modelplane.EndToEnd.Tests.Serving;

/// <summary>
/// The worker-process serving tests: each starts a node and several worker processes and puts load on them, so they run
/// one at a time and alone (the machine has few cores; their waits are generous but need the CPU they wait for).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ServingCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "Serving processes";
}
