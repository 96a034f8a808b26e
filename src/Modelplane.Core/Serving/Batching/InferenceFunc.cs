using Modelplane.Abstractions;

namespace Modelplane.Core.Serving.Batching;

/// <summary>
/// Runs one inference on a served entity's model (a loaded model's <see cref="ILoadedModel.RunAsync"/>, or a replica's
/// <see cref="IReplica.InferAsync"/> behind the entity's concurrency limit); the batcher calls it once per batch.
/// </summary>
/// <param name="inputs">Input tensors, bound to the graph's names and datatypes.</param>
/// <param name="outputNames">Outputs to compute, or null for all in graph order.</param>
/// <param name="cancellationToken">Cancels the run.</param>
/// <returns>The outputs, in the order asked for.</returns>
/// <exception cref="ModelplaneException">The model refused the inputs.</exception>
public delegate Task<IReadOnlyList<ModelValue>> InferenceFunc(IReadOnlyList<Tensor> inputs, IReadOnlyList<string>? outputNames, CancellationToken cancellationToken);
