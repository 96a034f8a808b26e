using System.Collections.Concurrent;
using CsCheck;
using Modelplane.Abstractions;
using Modelplane.Core.Serving.Batching;

namespace Modelplane.Core.Tests.Batching;

/// <summary>
/// Random mixes of concurrent callers through an <see cref="AdaptiveBatcher"/> in front of real ONNX Runtime sessions:
/// each caller's outputs (or error) must equal running its request alone, exactly (iris: see <see cref="BatchingModels.Tolerance"/>).
/// </summary>
public sealed class BatchingPropertyTests(BatchingModels models) : IClassFixture<BatchingModels>
{
    public static TheoryData<string> ModelNames() => [.. BatchingModels.Names];

    [Theory]
    [MemberData(nameof(ModelNames))]
    public async Task Every_caller_gets_what_its_request_alone_returns(string modelName)
    {
        var model = models[modelName];
        await BatchingGens.Scenario(modelName, model.Signature)
            .SampleAsync(scenario => RunScenarioAsync(model, scenario, BatchingModels.Tolerance(modelName)), iter: 25, print: s => s.ToString());
    }

    private static async Task RunScenarioAsync(ILoadedModel model, BatchScenario scenario, (double, double) tolerance)
    {
        var expected = new List<Outcome>();
        foreach (var request in scenario.Requests)
        {
            expected.Add(await Outcome.Of(() => model.RunAsync(request.Inputs, request.Outputs, CancellationToken.None)));
        }

        var batches = new ConcurrentQueue<int>();
        var options = new BatchingOptions(scenario.MaxBatchSize, TimeSpan.FromMilliseconds(scenario.DelayMs));
        var batcher = new AdaptiveBatcher(options, model.Signature, model.RunAsync, TimeProvider.System, batches.Enqueue);
        Outcome[] actual;
        await using (batcher)
        {
            actual = await Task.WhenAll(scenario.Requests.Select(async request =>
            {
                await Task.Delay(request.StartDelayMs);
                return await Outcome.Of(() => batcher.InvokeAsync(request.Inputs, request.Outputs, CancellationToken.None));
            }));
        }

        for (var i = 0; i < actual.Length; i++)
        {
            actual[i].AssertSameAs(expected[i], $"request {i} {scenario.Requests[i]}", tolerance);
        }

        Assert.All(batches, rows => Assert.InRange(rows, 1, scenario.MaxBatchSize));
        var queuedRows = scenario.Requests.Where(r => r.Rows <= scenario.MaxBatchSize).Sum(r => r.Rows);
        if (batcher.IsBatching)
        {
            Assert.Equal(queuedRows, batches.Sum());
        }
        else
        {
            // The model was found to reduce over the batch: later requests ran alone, unreported.
            Assert.InRange(batches.Sum(), 2, queuedRows);
        }
    }
}
