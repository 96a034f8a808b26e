namespace Modelplane.Core.Serving.Batching;

/// <summary>
/// Adaptive batching of one served entity, as Triton's dynamic batcher (<c>max_batch_size</c>,
/// <c>max_queue_delay_microseconds</c>) and MLServer's adaptive batching (<c>max_batch_size</c>, <c>max_batch_time</c>)
/// define it: concurrent requests are stacked along dimension 0 into one run of the model.
/// </summary>
/// <param name="MaxBatchSize">Most rows (dimension 0, summed over the requests) in one batch. Batching is on only when
/// this is 2 or more; 0 or 1 turns it off. A single request with more rows than this runs alone.</param>
/// <param name="MaxBatchDelay">Longest time a batch waits for more requests, measured from its first request's arrival;
/// a batch is dispatched earlier once it holds <paramref name="MaxBatchSize"/> rows. Zero dispatches each request at once.</param>
public sealed record BatchingOptions(int MaxBatchSize, TimeSpan MaxBatchDelay)
{
    /// <summary>True when batching is on (<see cref="MaxBatchSize"/> of 2 or more).</summary>
    public bool Enabled => MaxBatchSize >= 2;
}
