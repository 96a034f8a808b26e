using System.Diagnostics;
using System.Text.Json;
using Modelplane.Client;
using Xunit.Abstractions;

namespace Modelplane.EndToEnd.Tests.Serving;

/// <summary>
/// A node process with a control client and the serving steps the end-to-end tests share: register the Iris model,
/// create or update an endpoint, poll its JSON (replicas included) and collect diagnostics when a test fails.
/// </summary>
internal sealed class ServingNode : IAsyncDisposable
{
    /// <summary>The registered model every test serves.</summary>
    public const string IrisModel = "main.default.iris";

    private static readonly TimeSpan NodeStart = TimeSpan.FromSeconds(90);

    private ServingNode(NodeProcess node)
    {
        Node = node;
        Client = new ModelplaneClient(new Uri(node.Url), node.Token) { PollDelay = _ => TimeSpan.FromMilliseconds(250) };
    }

    /// <summary>The node process.</summary>
    public NodeProcess Node { get; }

    /// <summary>Control calls, authenticated with the admin token.</summary>
    public ModelplaneClient Client { get; }

    /// <summary>Starts a node with the given settings (environment variables), on <paramref name="dataDir"/> or a fresh one.</summary>
    public static async Task<ServingNode> StartAsync(IReadOnlyDictionary<string, string>? environment = null, string? dataDir = null) =>
        new(await NodeProcess.StartAsync(NodeStart, dataDir, environment));

    /// <summary>Registers <c>examples/iris/model</c> as the next version of <see cref="IrisModel"/>.</summary>
    public async Task<int> RegisterIrisAsync()
    {
        var version = await Client.CreateModelVersionAsync(IrisModel, Repo.PathOf("examples", "iris", "model"));
        return version.Version;
    }

    /// <summary>A served entity of <see cref="IrisModel"/> with a fixed concurrency range and optional environment variables.</summary>
    public static ServedEntity Iris(int version, int minConcurrency, int maxConcurrency, bool scaleToZero = false, IReadOnlyDictionary<string, string>? environment = null) => new()
    {
        Name = "iris",
        EntityName = IrisModel,
        EntityVersion = version.ToString(System.Globalization.CultureInfo.InvariantCulture),
        MinProvisionedConcurrency = minConcurrency,
        MaxProvisionedConcurrency = maxConcurrency,
        ScaleToZeroEnabled = scaleToZero,
        ExtensionData = environment is null ? null : new() { ["environment_vars"] = JsonSerializer.SerializeToElement(environment) },
    };

    /// <summary>Creates an endpoint with one served entity and waits until it is ready.</summary>
    public async Task<EndpointView> CreateEndpointAsync(string name, ServedEntity entity)
    {
        await Client.CreateEndpointAsync(new CreateEndpointRequest { Name = name, Config = new EndpointConfig { ServedEntities = [entity] } });
        return await WaitForConfigAsync(name, 1);
    }

    /// <summary>Replaces the endpoint's config with one served entity and waits until the new config version is live.</summary>
    public async Task<EndpointView> UpdateEndpointAsync(string name, ServedEntity entity)
    {
        var before = await GetAsync(name);
        await Client.UpdateEndpointConfigAsync(name, new EndpointConfig { ServedEntities = [entity] });
        return await WaitForConfigAsync(name, before.ConfigVersion + 1);
    }

    /// <summary>The endpoint object, raw.</summary>
    public async Task<EndpointView> GetAsync(string name) =>
        EndpointView.Parse(await Client.SendJsonAsync(HttpMethod.Get, $"api/2.0/serving-endpoints/{name}"));

    /// <summary>
    /// Waits until config version <paramref name="version"/> (or later) is live, ready and no update runs; fails at once
    /// on <c>UPDATE_FAILED</c> with the build logs.
    /// </summary>
    public async Task<EndpointView> WaitForConfigAsync(string name, int version, TimeSpan? timeout = null)
    {
        var view = await WaitUntilAsync(name, e => e.ConfigUpdate is "UPDATE_FAILED" or "UPDATE_CANCELED" || (e.Settled && e.ConfigVersion >= version),
            $"config version {version} live and ready", timeout ?? TimeSpan.FromSeconds(120));
        if (!view.Settled)
        {
            Assert.Fail($"The update to config version {version} failed: {view.Json}\n{await DiagnosticsAsync(name)}");
        }

        return view;
    }

    /// <summary>Polls the endpoint (every 100 ms) until <paramref name="done"/> holds; throws with the last answer after <paramref name="timeout"/>.</summary>
    public async Task<EndpointView> WaitUntilAsync(string name, Func<EndpointView, bool> done, string what, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var view = await GetAsync(name);
            if (done(view))
            {
                return view;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Endpoint '{name}': not {what} after {timeout.TotalSeconds:0} s. Last: {view.Json}\n{await DiagnosticsAsync(name)}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// Waits until the live entity has exactly <paramref name="count"/> replicas, all READY, each with a live worker
    /// process of this node, and <paramref name="also"/> holds.
    /// </summary>
    public async Task<EntityView> WaitForReadyReplicasAsync(string name, int count, Func<EntityView, bool>? also = null, TimeSpan? timeout = null)
    {
        var view = await WaitUntilAsync(name, e =>
            {
                if (e.Entities.Count != 1 || e.Entity.Replicas.Count != count || e.Entity.Ready.Count != count)
                {
                    return false;
                }

                var workers = WorkerProcesses.Of(Node.DataDir);
                return e.Entity.Ready.All(r => workers.Any(w => w.ProcessId == r.ProcessId)) && (also?.Invoke(e.Entity) ?? true);
            },
            $"at {count} READY replicas with live worker processes", timeout ?? TimeSpan.FromSeconds(90));
        return view.Entity;
    }

    /// <summary>Polls the number of this node's worker processes until <paramref name="done"/> holds; the counts seen are appended to <paramref name="seen"/>.</summary>
    public async Task<int> WaitForWorkerCountAsync(Func<int, bool> done, string what, TimeSpan timeout, List<int>? seen = null)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var count = WorkerProcesses.Count(Node.DataDir);
            if (seen is not null && (seen.Count == 0 || seen[^1] != count))
            {
                seen.Add(count);
            }

            if (done(count))
            {
                return count;
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Worker processes: not {what} after {timeout.TotalSeconds:0} s (now {count}; seen {string.Join(" → ", seen ?? [])}).\n{Tail(Node.Log)}");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Runs a test body; when it fails, writes <see cref="DiagnosticsAsync"/> for <paramref name="endpoint"/> to the test output first.</summary>
    public async Task RunAsync(string endpoint, ITestOutputHelper output, Func<Task> body)
    {
        try
        {
            await body();
        }
        catch
        {
            output.WriteLine(await DiagnosticsAsync(endpoint));
            throw;
        }
    }

    /// <summary>The node's stderr (tail), and each served entity's server and build logs.</summary>
    public async Task<string> DiagnosticsAsync(string endpoint)
    {
        var text = new System.Text.StringBuilder();
        text.Append("--- node stderr (tail) ---\n").Append(Tail(Node.Log)).Append('\n');
        try
        {
            var raw = await Client.SendJsonAsync(HttpMethod.Get, $"api/2.0/serving-endpoints/{endpoint}");
            var names = new[] { "config", "pending_config" }
                .Where(c => raw.TryGetProperty(c, out var cfg) && cfg.ValueKind == JsonValueKind.Object)
                .SelectMany(c => raw.GetProperty(c).GetProperty("served_entities").EnumerateArray())
                .Select(e => e.GetProperty("name").GetString()!)
                .Distinct();
            foreach (var entity in names)
            {
                text.Append($"--- {entity} server logs ---\n").Append(Tail(await Client.GetServerLogsAsync(endpoint, entity))).Append('\n');
                text.Append($"--- {entity} build logs ---\n").Append(Tail(await Client.GetBuildLogsAsync(endpoint, entity))).Append('\n');
            }
        }
        catch (Exception e) when (e is HttpRequestException or ModelplaneApiException or JsonException or KeyNotFoundException or InvalidOperationException)
        {
            text.Append($"(logs unavailable: {e.Message})\n");
        }

        return text.ToString();
    }

    private static string Tail(string text) => text.Length <= 6000 ? text : "…" + text[^6000..];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Node.DisposeAsync();
    }
}
