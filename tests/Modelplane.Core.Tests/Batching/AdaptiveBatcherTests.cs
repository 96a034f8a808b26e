using System.Collections.Concurrent;
using CsCheck;
using Microsoft.Extensions.Time.Testing;
using Modelplane.Abstractions;
using Modelplane.Core.Serving.Batching;
using Modelplane.Runtimes.Onnx;
using Modelplane.Testing;

namespace Modelplane.Core.Tests.Batching;

/// <summary>
/// The batcher's rules, one at a time, on real ONNX Runtime sessions. A fake clock holds batches open until the test
/// advances it, so which requests share a batch is decided by the test, not by timing.
/// </summary>
public sealed class AdaptiveBatcherTests(BatchingModels models) : IClassFixture<BatchingModels>
{
    private static readonly TimeSpan Delay = TimeSpan.FromSeconds(1);
    private readonly FakeTimeProvider clock = new();
    private readonly ConcurrentQueue<int> batches = new();

    [Theory]
    [InlineData("iris", true)]
    [InlineData("random_forest", true)]
    [InlineData("all_types", true)]
    [InlineData("reduce_sum", true)]
    public void IsBatchable_accepts_graphs_whose_inputs_and_outputs_have_a_variable_first_dimension(string name, bool expected) =>
        Assert.Equal(expected, AdaptiveBatcher.IsBatchable(models[name].Signature));

    [Theory]
    [InlineData("ankane-onnxruntime-ruby/logreg_iris.onnx")]
    [InlineData("yalue-onnxruntime_go/example_multitype.onnx")]
    [InlineData("yalue-onnxruntime_go/example_float16.onnx")]
    public async Task IsBatchable_refuses_graphs_with_a_fixed_first_dimension_and_such_a_batcher_runs_requests_as_they_are(string file)
    {
        using var model = await new OnnxModelRuntime().LoadAsync(TestData.PathOf("onnx", "models", file), new RuntimeOptions(), CancellationToken.None);
        Assert.False(AdaptiveBatcher.IsBatchable(model.Signature));

        var spy = new RecordingRun(model);
        await using var batcher = new AdaptiveBatcher(new(8, Delay), model.Signature, spy.RunAsync, clock, batches.Enqueue);
        var inputs = BatchingGens.Inputs(file, model.Signature, (int)model.Signature.Inputs[0].Shape![0]).Single();
        Assert.False(batcher.IsBatching);
        (await Outcome.Of(() => batcher.InvokeAsync(inputs, null, CancellationToken.None)))
            .AssertSameAs(await Outcome.Of(() => model.RunAsync(inputs, null, CancellationToken.None)), "fixed-batch model");
        Assert.Same(inputs, Assert.Single(spy.Calls).Inputs);
        Assert.Empty(batches);
    }

    [Fact]
    public async Task A_batch_of_one_runs_the_request_as_it_is()
    {
        var spy = new RecordingRun(models["iris"]);
        await using var batcher = NewBatcher("iris", spy, maxBatchSize: 8);
        var request = Iris(2, outputs: ["probabilities"]);

        var call = batcher.InvokeAsync(request.Inputs, request.Outputs, CancellationToken.None);
        clock.Advance(Delay);

        await AssertAloneResultAsync("iris", request, call);
        var (inputs, outputs) = Assert.Single(spy.Calls);
        Assert.Same(request.Inputs, inputs);
        Assert.Same(request.Outputs, outputs);
        Assert.Equal([2], batches);
    }

    [Fact]
    public async Task Requests_are_stacked_into_one_run_asking_for_the_union_of_their_outputs_and_each_gets_its_own()
    {
        var spy = new RecordingRun(models["all_types"]);
        await using var batcher = NewBatcher("all_types", spy, maxBatchSize: 6);
        RequestCase[] requests =
        [
            AllTypes(1, ["y_Float16", "y_String"]),
            AllTypes(3, ["y_String", "y_BFloat16", "y_Bool"]),
            AllTypes(2, ["y_Int8"]),
        ];

        var calls = requests.Select(r => batcher.InvokeAsync(r.Inputs, r.Outputs, CancellationToken.None)).ToList();

        for (var i = 0; i < requests.Length; i++)
        {
            await AssertAloneResultAsync("all_types", requests[i], calls[i]);
        }

        var (inputs, outputs) = Assert.Single(spy.Calls);
        Assert.All(inputs, tensor => Assert.Equal(6, tensor.Shape[0]));
        Assert.Equal(["y_Float16", "y_String", "y_BFloat16", "y_Bool", "y_Int8"], outputs!);
        Assert.Equal([6], batches);
    }

    [Fact]
    public async Task A_request_that_would_overflow_the_batch_dispatches_it_and_starts_the_next()
    {
        var spy = new RecordingRun(models["iris"]);
        await using var batcher = NewBatcher("iris", spy, maxBatchSize: 4);
        var first = Iris(3);
        var second = Iris(2);

        var firstCall = batcher.InvokeAsync(first.Inputs, first.Outputs, CancellationToken.None);
        var secondCall = batcher.InvokeAsync(second.Inputs, second.Outputs, CancellationToken.None);

        await AssertAloneResultAsync("iris", first, firstCall);
        Assert.Equal([3], batches);
        Assert.False(secondCall.IsCompleted);
        clock.Advance(Delay);
        await AssertAloneResultAsync("iris", second, secondCall);
        Assert.Equal([3, 2], batches);
    }

    [Fact]
    public async Task Requests_that_cannot_be_batched_run_alone_at_once()
    {
        var spy = new RecordingRun(models["iris"]);
        await using var batcher = NewBatcher("iris", spy, maxBatchSize: 4);
        var tooMany = Iris(5);
        var ragged = Iris(2) with { Inputs = [.. Iris(2).Inputs[..3], Iris(3).Inputs[3]] };
        var noOutputs = Iris(1, outputs: []);

        foreach (var request in new[] { tooMany, ragged, noOutputs })
        {
            await AssertAloneResultAsync("iris", request, batcher.InvokeAsync(request.Inputs, request.Outputs, CancellationToken.None));
        }

        Assert.Equal(3, spy.Calls.Count);
        Assert.Empty(batches);
    }

    [Fact]
    public async Task A_bad_request_in_a_batch_gets_its_own_error_and_the_others_their_results()
    {
        var spy = new RecordingRun(models["gather"]);
        await using var batcher = NewBatcher("gather", spy, maxBatchSize: 4);
        var requests = new long[][] { [0], [4, -1], [BatchingModels.GatherRows] }
            .Select(indices => new RequestCase([new Tensor("indices", TensorDataType.Int64, [indices.Length], indices)], null, 0))
            .ToList();

        var calls = requests.Select(r => batcher.InvokeAsync(r.Inputs, r.Outputs, CancellationToken.None)).ToList();

        for (var i = 0; i < requests.Count; i++)
        {
            await AssertAloneResultAsync("gather", requests[i], calls[i]);
        }

        var error = await Assert.ThrowsAsync<ModelplaneException>(() => calls[2]);
        Assert.Equal(ErrorCode.BadRequest, error.ErrorCode);
        Assert.Equal([1, 1, 2, 4], spy.CallRows.Order());
        Assert.Equal([4], batches);
    }

    [Fact]
    public async Task A_model_whose_outputs_are_not_per_row_is_detected_answered_alone_and_no_longer_batched()
    {
        var spy = new RecordingRun(models["reduce_sum"]);
        await using var batcher = NewBatcher("reduce_sum", spy, maxBatchSize: 4);
        var firstWave = Enumerable.Range(0, 4).Select(_ => Sample("reduce_sum", 1)).ToList();

        var calls = firstWave.Select(r => batcher.InvokeAsync(r.Inputs, r.Outputs, CancellationToken.None)).ToList();
        for (var i = 0; i < calls.Count; i++)
        {
            await AssertAloneResultAsync("reduce_sum", firstWave[i], calls[i]);
        }

        Assert.False(batcher.IsBatching);
        Assert.Equal([4, 1, 1, 1, 1], spy.CallRows);
        var later = new[] { Sample("reduce_sum", 2), Sample("reduce_sum", 1) };
        var laterCalls = later.Select(r => batcher.InvokeAsync(r.Inputs, r.Outputs, CancellationToken.None)).ToList();
        for (var i = 0; i < later.Length; i++)
        {
            await AssertAloneResultAsync("reduce_sum", later[i], laterCalls[i]);
        }

        Assert.Equal([4, 1, 1, 1, 1, 2, 1], spy.CallRows);
        Assert.Equal([4], batches);
    }

    [Fact]
    public async Task A_caller_cancelled_while_waiting_leaves_the_batch_and_the_others_are_answered()
    {
        var spy = new RecordingRun(models["random_forest"]);
        await using var batcher = NewBatcher("random_forest", spy, maxBatchSize: 8);
        var requests = Enumerable.Range(1, 3).Select(rows => Sample("random_forest", rows)).ToList();
        using var cancel = new CancellationTokenSource();
        var calls = requests.Select((r, i) => batcher.InvokeAsync(r.Inputs, r.Outputs, i == 1 ? cancel.Token : CancellationToken.None)).ToList();

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => calls[1]);
        clock.Advance(Delay);

        await AssertAloneResultAsync("random_forest", requests[0], calls[0]);
        await AssertAloneResultAsync("random_forest", requests[2], calls[2]);
        Assert.Equal([4], batches);
        Assert.Equal([4], spy.CallRows);
    }

    [Fact]
    public async Task A_caller_cancelled_while_its_batch_runs_gets_cancelled_and_the_batch_goes_on()
    {
        var spy = new RecordingRun(models["random_forest"]) { Hold = true };
        await using var batcher = NewBatcher("random_forest", spy, maxBatchSize: 3);
        var requests = new[] { Sample("random_forest", 1), Sample("random_forest", 2) };
        using var cancel = new CancellationTokenSource();
        var cancelled = batcher.InvokeAsync(requests[0].Inputs, requests[0].Outputs, cancel.Token);
        var other = batcher.InvokeAsync(requests[1].Inputs, requests[1].Outputs, CancellationToken.None);
        await spy.Entered;

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        spy.Release();

        await AssertAloneResultAsync("random_forest", requests[1], other);
        Assert.Equal([3], spy.CallRows);
    }

    [Fact]
    public async Task Sixteen_requests_started_together_share_batches()
    {
        var model = models["iris"];
        await using var batcher = new AdaptiveBatcher(new(32, TimeSpan.FromMilliseconds(50)), model.Signature, model.RunAsync, TimeProvider.System, batches.Enqueue);
        var requests = Enumerable.Range(0, 16).Select(_ => Iris(1)).ToList();

        var calls = requests.Select(r => batcher.InvokeAsync(r.Inputs, r.Outputs, CancellationToken.None)).ToList();

        for (var i = 0; i < requests.Count; i++)
        {
            await AssertAloneResultAsync("iris", requests[i], calls[i]);
        }

        Assert.Contains(batches, rows => rows > 1);
        Assert.Equal(16, batches.Sum());
    }

    [Fact]
    public async Task Disposing_dispatches_the_waiting_batches_and_refuses_new_requests()
    {
        var spy = new RecordingRun(models["iris"]);
        var batcher = NewBatcher("iris", spy, maxBatchSize: 8);
        var requests = new[] { Iris(1), Iris(2) };
        var calls = requests.Select(r => batcher.InvokeAsync(r.Inputs, r.Outputs, CancellationToken.None)).ToList();

        await batcher.DisposeAsync();

        Assert.All(calls, call => Assert.True(call.IsCompletedSuccessfully));
        await AssertAloneResultAsync("iris", requests[0], calls[0]);
        await AssertAloneResultAsync("iris", requests[1], calls[1]);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => batcher.InvokeAsync(requests[0].Inputs, null, CancellationToken.None));
    }

    private AdaptiveBatcher NewBatcher(string modelName, RecordingRun spy, int maxBatchSize) =>
        new(new BatchingOptions(maxBatchSize, Delay), models[modelName].Signature, spy.RunAsync, clock, batches.Enqueue);

    private RequestCase Sample(string modelName, int rows, string[]? outputs = null) =>
        new(BatchingGens.Inputs(modelName, models[modelName].Signature, rows).Single(), outputs, 0);

    private RequestCase Iris(int rows, string[]? outputs = null) => Sample("iris", rows, outputs);

    private RequestCase AllTypes(int rows, string[] outputs) => Sample("all_types", rows, outputs);

    private async Task AssertAloneResultAsync(string modelName, RequestCase request, Task<IReadOnlyList<ModelValue>> call)
    {
        var expected = await Outcome.Of(() => models[modelName].RunAsync(request.Inputs, request.Outputs, CancellationToken.None));
        (await Outcome.Of(() => call)).AssertSameAs(expected, $"request {request}", BatchingModels.Tolerance(modelName));
    }
}
