using System.Text.Json;
using Xunit.Abstractions;

namespace Modelplane.EndToEnd.Tests.Serving;

/// <summary>
/// Issue 3, immutable images: endpoints built on one worker build keep running on that runtime after the node restarts
/// on a second worker build; a new model version, or <c>modelplane endpoints rebuild</c>, builds on the new runtime;
/// no file of the old image changes.
/// </summary>
[Collection(ServingCollection.Name)]
public sealed class ImageImmutabilityTests(ITestOutputHelper output)
{
    private const string Updated = "imm-update";
    private const string Rebuilt = "imm-rebuild";

    [Fact]
    public async Task Endpoints_keep_their_runtime_across_an_upgrade_and_only_new_images_use_the_new_one()
    {
        var dataDir = Directory.CreateTempSubdirectory("modelplane-e2e-images-").FullName;
        var secondBuild = Directory.CreateTempSubdirectory("modelplane-e2e-worker-").FullName;
        try
        {
            var (r1, i1, hashes) = await ServeOnTheFirstRuntimeAsync(dataDir);

            ContentHashes.CopyTree(Repo.WorkerBuildDir, secondBuild);
            await File.WriteAllTextAsync(Path.Combine(secondBuild, "e2e-second-build.txt"), Guid.NewGuid().ToString());
            var r2Expected = ContentHashes.RuntimeId(secondBuild);

            await using var node = await ServingNode.StartAsync(new Dictionary<string, string> { ["Modelplane__WorkerPath"] = secondBuild }, dataDir);
            await node.RunAsync(Updated, output, async () =>
            {
                // After the restart on the second build, both endpoints still run image I1 on runtime R1.
                foreach (var name in new[] { Updated, Rebuilt })
                {
                    await node.WaitForConfigAsync(name, 1);
                    var entity = await node.WaitForReadyReplicasAsync(name, 1);
                    Assert.Equal((i1, r1), (entity.ImageId, entity.RuntimeId));
                    Assert.All(entity.Replicas, r => Assert.Equal(r1, r.RuntimeId));
                }

                AssertWorkers(dataDir, (r1, i1), (r1, i1));

                // A new model version builds its image on the current runtime R2.
                Assert.Equal(2, await node.RegisterIrisAsync());
                var updated = (await node.UpdateEndpointAsync(Updated, ServingNode.Iris(2, 4, 4))).Entity;
                output.WriteLine($"Version 2: image {updated.ImageId} on runtime {updated.RuntimeId}");
                Assert.Equal("2", updated.EntityVersion);
                Assert.Equal(r2Expected, updated.RuntimeId);
                Assert.NotEqual(r1, updated.RuntimeId);
                Assert.NotEqual(i1, updated.ImageId);
                var i2 = updated.ImageId!;
                updated = await node.WaitForReadyReplicasAsync(Updated, 1, e => e.Replicas.All(r => r.RuntimeId == r2Expected));
                Assert.True(File.Exists(Path.Combine(dataDir, "runtimes", r2Expected, "e2e-second-build.txt")));
                AssertImageManifest(dataDir, i2, r2Expected, "2");

                // `endpoints rebuild` builds version 1 again, as a new image on R2.
                var rebuild = await CliProcess.RunAsync(["endpoints", "rebuild", Rebuilt, "--output", "json"], node.Node.CliEnvironment);
                Assert.True(rebuild.ExitCode == 0, rebuild.Stderr);
                var rebuilt = (await node.WaitForConfigAsync(Rebuilt, 2)).Entity;
                output.WriteLine($"Rebuilt version 1: image {rebuilt.ImageId} on runtime {rebuilt.RuntimeId}");
                Assert.Equal("1", rebuilt.EntityVersion);
                Assert.Equal(r2Expected, rebuilt.RuntimeId);
                Assert.NotEqual(i1, rebuilt.ImageId);
                await node.WaitForReadyReplicasAsync(Rebuilt, 1, e => e.Replicas.All(r => r.RuntimeId == r2Expected));
                AssertImageManifest(dataDir, rebuilt.ImageId!, r2Expected, "1");

                // The old replicas drain and stop: every worker now runs on R2.
                await node.WaitForWorkerCountAsync(_ => WorkerProcesses.Of(dataDir) is { Count: 2 } w && w.All(x => x.RuntimeId == r2Expected),
                    "two workers, all on the second runtime", TimeSpan.FromSeconds(90));
                AssertWorkers(dataDir, (r2Expected, i2), (r2Expected, rebuilt.ImageId!));
                using var invocations = new Invocations(node.Node, Updated);
                Assert.True((await invocations.SendAsync()).Ok);
                using var rebuiltInvocations = new Invocations(node.Node, Rebuilt);
                Assert.True((await rebuiltInvocations.SendAsync()).Ok);
            });

            // The first image is still there, byte for byte, and still read-only.
            var imageDir = Path.Combine(dataDir, "images", i1);
            Assert.True(Directory.Exists(imageDir), $"image {i1} was removed");
            Assert.Equal(hashes, ContentHashes.Of(imageDir));
            Assert.All(Directory.EnumerateFiles(imageDir, "*", SearchOption.AllDirectories),
                f => Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(f) & (UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)));
        }
        finally
        {
            TempFolder.Delete(dataDir);
            TempFolder.Delete(secondBuild);
        }
    }

    /// <summary>Node A on the CLI's worker build: version 1 served by two endpoints; returns R1, I1 and I1's file hashes.</summary>
    private async Task<(string RuntimeId, string ImageId, SortedDictionary<string, string> Hashes)> ServeOnTheFirstRuntimeAsync(string dataDir)
    {
        await using var node = await ServingNode.StartAsync(dataDir: dataDir);
        string r1 = "", i1 = "";
        SortedDictionary<string, string> hashes = [];
        await node.RunAsync(Updated, output, async () =>
        {
            Assert.Equal(1, await node.RegisterIrisAsync());
            var entity = (await node.CreateEndpointAsync(Updated, ServingNode.Iris(1, 4, 4))).Entity;
            var other = (await node.CreateEndpointAsync(Rebuilt, ServingNode.Iris(1, 4, 4))).Entity;
            Assert.NotNull(entity.ImageId);
            Assert.NotNull(entity.RuntimeId);
            (r1, i1) = (entity.RuntimeId, entity.ImageId);
            output.WriteLine($"Version 1: image {i1} on runtime {r1}");
            Assert.Equal((i1, r1), (other.ImageId, other.RuntimeId)); // Same content, same image.
            foreach (var name in new[] { Updated, Rebuilt })
            {
                var ready = await node.WaitForReadyReplicasAsync(name, 1);
                Assert.All(ready.Replicas, r => Assert.Equal(r1, r.RuntimeId));
            }

            AssertWorkers(dataDir, (r1, i1), (r1, i1));
            AssertImageManifest(dataDir, i1, r1, "1");
            using var runtime = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dataDir, "runtimes", r1, "runtime.json")));
            Assert.Equal(r1, runtime.RootElement.GetProperty("id").GetString());
            using var invocations = new Invocations(node.Node, Updated);
            Assert.True((await invocations.SendAsync()).Ok);
            hashes = ContentHashes.Of(Path.Combine(dataDir, "images", i1));
            output.WriteLine($"Image {i1}: {hashes.Count} files ({string.Join(", ", hashes.Keys)})");
            Assert.Contains("image.json", hashes.Keys);
        });

        var graceful = await node.Node.StopAsync(TimeSpan.FromSeconds(30));
        output.WriteLine($"Node stopped {(graceful ? "on SIGTERM" : "by kill after 30 s")}");
        await node.WaitForWorkerCountAsync(c => c == 0, "all stopped with the node", TimeSpan.FromSeconds(30));
        return (r1, i1, hashes);
    }

    /// <summary>The node's worker processes run exactly the given (runtime, image) pairs, each from its runtime folder.</summary>
    private static void AssertWorkers(string dataDir, params (string RuntimeId, string ImageId)[] expected)
    {
        var workers = WorkerProcesses.Of(dataDir);
        Assert.Equal(expected.Order(), workers.Select(w => (w.RuntimeId, w.ImageId)).Order());
        Assert.All(workers, w => Assert.Equal(Path.Combine(dataDir, "runtimes", w.RuntimeId, "Modelplane.Worker"), w.Executable));
    }

    /// <summary>The image's manifest names its runtime and model version, and its id is the SHA-256 of the manifest.</summary>
    private static void AssertImageManifest(string dataDir, string imageId, string runtimeId, string version)
    {
        var bytes = File.ReadAllBytes(Path.Combine(dataDir, "images", imageId, "image.json"));
        Assert.Equal(imageId, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        using var manifest = JsonDocument.Parse(bytes);
        Assert.Equal(runtimeId, manifest.RootElement.GetProperty("runtime_id").GetString());
        Assert.Equal(ServingNode.IrisModel, manifest.RootElement.GetProperty("model_name").GetString());
        Assert.Equal(version, manifest.RootElement.GetProperty("model_version").GetString());
    }
}
