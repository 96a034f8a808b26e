using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Modelplane.Client;

namespace Modelplane.EndToEnd.Tests;

/// <summary>
/// A Modelplane node run as a real process (<c>modelplane serve --port &lt;free&gt; --data-dir &lt;temp&gt;</c>) on
/// loopback. Ready once its admin token exists and the control API answers it. Disposing kills the process tree and
/// deletes the data dir when the node made it. A node can be stopped and a new one started on the same data dir, with
/// extra environment variables (node settings such as <c>Modelplane__Serving__*</c>).
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private readonly CliProcess process;
    private readonly bool ownsDataDir;

    private NodeProcess(CliProcess process, string url, string dataDir, string token, bool ownsDataDir)
    {
        this.process = process;
        this.ownsDataDir = ownsDataDir;
        Url = url;
        DataDir = dataDir;
        Token = token;
    }

    /// <summary>The node's base URL.</summary>
    public string Url { get; }

    /// <summary>The node's data dir: a fresh temp folder, or the one it was started on.</summary>
    public string DataDir { get; }

    /// <summary>The admin token the node wrote to <c>&lt;data-dir&gt;/admin-token</c>.</summary>
    public string Token { get; }

    /// <summary>The node's standard error so far (for failure messages).</summary>
    public string Log => process.Stderr;

    /// <summary>The node's process id (the parent of its worker processes).</summary>
    public int ProcessId => process.Id;

    /// <summary>Whether the node process has ended.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>Stops the node as an operator would (SIGTERM, then a kill after <paramref name="grace"/>); the data dir stays.</summary>
    /// <returns>True when the node exited on SIGTERM within the grace time.</returns>
    public Task<bool> StopAsync(TimeSpan grace) => process.StopAsync(grace);

    /// <summary>Environment pointing the CLI at this node.</summary>
    public Dictionary<string, string> CliEnvironment => new() { ["MODELPLANE_HOST"] = Url, ["MODELPLANE_TOKEN"] = Token };

    /// <summary>Starts a node on a fresh data dir (deleted on dispose) and waits until it answers authenticated calls.</summary>
    public static Task<NodeProcess> StartAsync(TimeSpan timeout) => StartAsync(timeout, dataDir: null, environment: null);

    /// <summary>
    /// Starts a node and waits until it answers authenticated calls.
    /// </summary>
    /// <param name="timeout">How long to wait for the node to answer.</param>
    /// <param name="dataDir">An existing data dir to (re)start on, kept on dispose; null for a fresh temp folder that
    /// is deleted on dispose.</param>
    /// <param name="environment">Extra environment variables of the node process, e.g.
    /// <c>Modelplane__Serving__ConcurrencyPerReplica</c> or <c>Modelplane__WorkerPath</c>.</param>
    public static async Task<NodeProcess> StartAsync(TimeSpan timeout, string? dataDir, IReadOnlyDictionary<string, string>? environment)
    {
        var port = FreePort();
        var ownsDataDir = dataDir is null;
        dataDir ??= Directory.CreateTempSubdirectory("modelplane-e2e-").FullName;
        var url = $"http://127.0.0.1:{port}";
        var process = CliProcess.Start(["serve", "--port", port.ToString(), "--data-dir", dataDir], environment?.ToDictionary());
        try
        {
            var token = await WaitUntilReadyAsync(process, url, Path.Combine(dataDir, "admin-token"), timeout);
            return new NodeProcess(process, url, dataDir, token, ownsDataDir);
        }
        catch
        {
            await process.DisposeAsync();
            if (ownsDataDir)
            {
                TempFolder.Delete(dataDir);
            }

            throw;
        }
    }

    /// <summary>A port nobody listens on right now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string> WaitUntilReadyAsync(CliProcess process, string url, string tokenFile, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        Exception? last = null;
        while (clock.Elapsed < timeout)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"modelplane serve exited early: {process.Stderr}");
            }

            if (File.Exists(tokenFile) && (await File.ReadAllTextAsync(tokenFile)).Trim() is { Length: > 0 } token)
            {
                try
                {
                    using var client = new ModelplaneClient(new Uri(url), token);
                    await client.ListEndpointsAsync();
                    return token;
                }
                catch (Exception e) when (e is HttpRequestException or ModelplaneApiException)
                {
                    last = e;
                }
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"The node at {url} was not ready in {timeout} ({last?.Message}); stderr: {process.Stderr}");
    }

    public async ValueTask DisposeAsync()
    {
        await process.DisposeAsync();
        if (ownsDataDir)
        {
            TempFolder.Delete(DataDir);
        }
    }
}
