using System.Collections.Concurrent;
using Modelplane.Abstractions;
using Modelplane.Core.Serving.Batching;

namespace Modelplane.Core.Tests.Batching;

/// <summary>
/// A hand-written spy in front of a real model: records each call the batcher makes (inputs and outputs asked for) and,
/// when <see cref="Hold"/> is set, holds every run until <see cref="Release"/>.
/// </summary>
public sealed class RecordingRun(ILoadedModel model)
{
    private readonly TaskCompletionSource entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The calls made so far, in order.</summary>
    public ConcurrentQueue<(IReadOnlyList<Tensor> Inputs, IReadOnlyList<string>? Outputs)> Calls { get; } = new();

    /// <summary>When true, runs wait for <see cref="Release"/>.</summary>
    public bool Hold { get; init; }

    /// <summary>Completes when the first run has started.</summary>
    public Task Entered => entered.Task;

    /// <summary>Dimension 0 of the first input of each call.</summary>
    public IEnumerable<long> CallRows => Calls.Select(c => c.Inputs[0].Shape[0]);

    /// <summary>Lets held runs go on.</summary>
    public void Release() => released.TrySetResult();

    /// <summary>The <see cref="InferenceFunc"/> to give the batcher.</summary>
    public async Task<IReadOnlyList<ModelValue>> RunAsync(IReadOnlyList<Tensor> inputs, IReadOnlyList<string>? outputs, CancellationToken cancellationToken)
    {
        Calls.Enqueue((inputs, outputs));
        entered.TrySetResult();
        if (Hold)
        {
            await released.Task;
        }

        return await model.RunAsync(inputs, outputs, cancellationToken);
    }
}
