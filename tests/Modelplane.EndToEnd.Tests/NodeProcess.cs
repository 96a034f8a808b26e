using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Modelplane.Client;

namespace Modelplane.EndToEnd.Tests;

/// <summary>
/// A Modelplane node run as a real process (<c>modelplane serve --port &lt;free&gt; --data-dir &lt;temp&gt;</c>) on
/// loopback. Ready once its admin token exists and the control API answers it. Disposing kills the process tree and
/// deletes the data dir.
/// </summary>
internal sealed class NodeProcess : IAsyncDisposable
{
    private readonly CliProcess process;

    private NodeProcess(CliProcess process, string url, string dataDir, string token)
    {
        this.process = process;
        Url = url;
        DataDir = dataDir;
        Token = token;
    }

    /// <summary>The node's base URL.</summary>
    public string Url { get; }

    /// <summary>The node's data dir (a fresh temp folder).</summary>
    public string DataDir { get; }

    /// <summary>The admin token the node wrote to <c>&lt;data-dir&gt;/admin-token</c>.</summary>
    public string Token { get; }

    /// <summary>The node's standard error so far (for failure messages).</summary>
    public string Log => process.Stderr;

    /// <summary>Environment pointing the CLI at this node.</summary>
    public Dictionary<string, string> CliEnvironment => new() { ["MODELPLANE_HOST"] = Url, ["MODELPLANE_TOKEN"] = Token };

    /// <summary>Starts a node and waits until it answers authenticated calls.</summary>
    public static async Task<NodeProcess> StartAsync(TimeSpan timeout)
    {
        var port = FreePort();
        var dataDir = Directory.CreateTempSubdirectory("modelplane-e2e-").FullName;
        var url = $"http://127.0.0.1:{port}";
        var process = CliProcess.Start(["serve", "--port", port.ToString(), "--data-dir", dataDir]);
        try
        {
            var token = await WaitUntilReadyAsync(process, url, Path.Combine(dataDir, "admin-token"), timeout);
            return new NodeProcess(process, url, dataDir, token);
        }
        catch
        {
            await process.DisposeAsync();
            Directory.Delete(dataDir, recursive: true);
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
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying child; the temp folder is cleaned by the OS.
        }
    }
}
