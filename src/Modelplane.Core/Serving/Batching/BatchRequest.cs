using System.Globalization;
using System.Text;
using Modelplane.Abstractions;

namespace Modelplane.Core.Serving.Batching;

/// <summary>
/// One caller's request waiting in a batch: its inputs, the outputs it asked for, its row count (the common dimension 0
/// of its inputs), the key of the requests it can be stacked with, and the task its caller awaits.
/// </summary>
internal sealed class BatchRequest
{
    private BatchRequest(IReadOnlyList<Tensor> inputs, IReadOnlyList<string>? outputNames, int rows, string key, CancellationToken cancellationToken)
    {
        Inputs = inputs;
        OutputNames = outputNames;
        Rows = rows;
        Key = key;
        CancellationToken = cancellationToken;
    }

    /// <summary>The caller's inputs, untouched.</summary>
    public IReadOnlyList<Tensor> Inputs { get; }

    /// <summary>The outputs the caller asked for, or null for all.</summary>
    public IReadOnlyList<string>? OutputNames { get; }

    /// <summary>Dimension 0 of every input: the rows this request adds to a batch (at least 1).</summary>
    public int Rows { get; }

    /// <summary>Requests with equal keys can be stacked: same input names in the same order, datatypes and trailing dims.</summary>
    public string Key { get; }

    /// <summary>The caller's token: a cancelled caller is left out of the batch or its result dropped.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>Completed with this caller's own outputs or its own error.</summary>
    public TaskCompletionSource<IReadOnlyList<ModelValue>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>
    /// Makes a request that can join a batch, or returns null when it must run alone: no inputs, an input of rank 0, inputs
    /// whose dimension 0 differ, zero rows or more than <paramref name="maxRows"/>, repeated input names, or an output
    /// list that is empty or repeats a name (the model reports those errors itself when the request runs alone).
    /// </summary>
    public static BatchRequest? TryCreate(IReadOnlyList<Tensor> inputs, IReadOnlyList<string>? outputNames, int maxRows, CancellationToken cancellationToken)
    {
        if (inputs.Count == 0 || inputs[0] is not { Shape.Length: > 0 } first)
        {
            return null;
        }

        var rows = first.Shape[0];
        if (rows < 1 || rows > maxRows || !HasDistinctNames(inputs.Select(i => i?.Name)) ||
            outputNames is { Count: 0 } || (outputNames is not null && !HasDistinctNames(outputNames)))
        {
            return null;
        }

        var key = new StringBuilder();
        foreach (var input in inputs)
        {
            if (input.Shape.Length == 0 || input.Shape[0] != rows)
            {
                return null;
            }

            key.Append(CultureInfo.InvariantCulture, $"{input.Name.Length}:{input.Name}|{input.DataType}|{string.Join(",", input.Shape.Skip(1))}\n");
        }

        return new BatchRequest(inputs, outputNames, (int)rows, key.ToString(), cancellationToken);
    }

    /// <summary>Runs this request alone through <paramref name="run"/> with the caller's token and completes it.</summary>
    public async Task RunAloneAsync(InferenceFunc run)
    {
        try
        {
            Completion.TrySetResult(await run(Inputs, OutputNames, CancellationToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
        {
            Completion.TrySetCanceled(CancellationToken);
        }
        catch (Exception ex)
        {
            Completion.TrySetException(ex);
        }
    }

    private static bool HasDistinctNames(IEnumerable<string?> names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return names.All(n => n is not null && seen.Add(n));
    }
}
