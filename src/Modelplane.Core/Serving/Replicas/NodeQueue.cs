namespace Modelplane.Core.Serving.Replicas;

/// <summary>Node-wide count of requests waiting for a replica, for backpressure across all served entities.</summary>
/// <param name="limit">Most requests that may wait at once on the node.</param>
public sealed class NodeQueue(int limit)
{
    private int waiting;

    /// <summary>Requests waiting now.</summary>
    public int Waiting => Volatile.Read(ref waiting);

    /// <summary>Takes a place in the node's queue; false when it is full.</summary>
    public bool TryEnter()
    {
        if (Interlocked.Increment(ref waiting) <= limit)
        {
            return true;
        }

        Interlocked.Decrement(ref waiting);
        return false;
    }

    /// <summary>Gives a place back.</summary>
    public void Exit() => Interlocked.Decrement(ref waiting);
}
