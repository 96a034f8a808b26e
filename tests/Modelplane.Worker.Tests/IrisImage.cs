using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Modelplane.Core.Serving.Replicas;
using Modelplane.Core.Serving.Workers;
using Modelplane.Runtimes.Onnx;
using Modelplane.Testing;

namespace Modelplane.Worker.Tests;

/// <summary>
/// An image directory built by hand as the contract describes it (<c>image.json</c> + <c>model/</c> copied from the
/// committed Iris MLflow model), the worker build copied next to the test assembly, and the same model loaded in-process
/// to compare against.
/// </summary>
public sealed class IrisImage : IAsyncLifetime
{
    /// <summary>The worker build the test project's build copied to <c>worker/</c>.</summary>
    public static string WorkerDirectory => Path.Combine(AppContext.BaseDirectory, "worker");

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "mp-worker-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The model loaded in this process by <see cref="OnnxModelRuntime"/>.</summary>
    public ILoadedModel InProcess { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var source = Path.Combine(TestData.RepoRoot, "examples", "iris", "model");
        var files = new JsonArray();
        foreach (var file in System.IO.Directory.GetFiles(source).Order(StringComparer.Ordinal))
        {
            var target = Path.Combine(Directory, "model", Path.GetFileName(file));
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
            var bytes = await File.ReadAllBytesAsync(target);
            files.Add(new JsonObject
            {
                ["path"] = "model/" + Path.GetFileName(file),
                ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(bytes)),
                ["size"] = bytes.Length,
            });
        }

        var manifest = new JsonObject
        {
            ["schema"] = 1,
            ["runtime_id"] = "dev",
            ["model_name"] = "main.default.iris",
            ["model_version"] = "1",
            ["model_sha256"] = new string('0', 64),
            ["model_file"] = "model/model.onnx",
            ["signature"] = null,
            ["files"] = files,
        };
        await File.WriteAllTextAsync(Path.Combine(Directory, "image.json"), manifest.ToJsonString());
        InProcess = await new OnnxModelRuntime().LoadAsync(Path.Combine(Directory, "model", "model.onnx"), new RuntimeOptions(), CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        InProcess.Dispose();
        System.IO.Directory.Delete(Directory, recursive: true);
        return Task.CompletedTask;
    }

    /// <summary>A replica spec for this image on the test's worker build.</summary>
    public ReplicaSpec Spec(string replicaId, Action<string>? onOutput = null, string? imageDirectory = null) => new()
    {
        ReplicaId = replicaId,
        EndpointId = "iris",
        ServedEntityName = "iris-1",
        ImageDirectory = imageDirectory ?? Directory,
        RuntimeDirectory = WorkerDirectory,
        OnOutput = onOutput,
    };

    /// <summary>Starts a worker replica on this image.</summary>
    public async Task<WorkerReplica> StartAsync(string replicaId, Action<string>? onOutput = null)
    {
        var replica = new WorkerReplica(Spec(replicaId, onOutput), new WorkerReplicaOptions());
        await replica.StartAsync(CancellationToken.None);
        return replica;
    }

    /// <summary>Iris inputs for <paramref name="rows"/> (4 features each): one FP32 [n,1] tensor per graph input.</summary>
    public IReadOnlyList<Tensor> Inputs(params float[][] rows) =>
        [.. InProcess.Signature.Inputs.Select((spec, column) =>
            new Tensor(spec.Name!, TensorDataType.Float32, [rows.Length, 1], rows.Select(r => r[column]).ToArray()))];

    public static float[][] SampleRows(int count, int seed) =>
        [.. Enumerable.Range(0, count).Select(i => new[] { 4.3f + ((i + seed) % 36 / 10f), 2f + ((i * 7 + seed) % 24 / 10f), 1f + ((i * 3 + seed) % 59 / 10f), 0.1f + ((i * 5 + seed) % 24 / 10f) })];
}
