using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Modelplane.Core.Serving.Replicas;

namespace Modelplane.Core.Serving.Workers;

/// <summary>
/// Builds the worker's command line and environment from a <see cref="ReplicaSpec"/> (the contract in
/// docs/worker-protocol.md): <c>&lt;runtime&gt;/Modelplane.Worker --image … --socket … --parent-pid … --intra-op-threads …
/// [--arena-limit-bytes …] --replica-id …</c>, and an environment holding only what a worker needs.
/// </summary>
public static class WorkerLaunch
{
    /// <summary>The apphost's file name in a runtime directory.</summary>
    public const string ExecutableName = "Modelplane.Worker";

    /// <summary>Variables of the node's own environment a worker inherits; nothing else (tokens, keys) leaks into it.</summary>
    private static readonly string[] InheritedVariables = ["PATH", "HOME", "TMPDIR", "LANG", "LC_ALL", "TZ"];

    private const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";
    private const string OtlpTracesEndpointVariable = "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT";
    private const string OtlpProtocolVariable = "OTEL_EXPORTER_OTLP_PROTOCOL";

    /// <summary>The node's OTLP exporter variables a worker inherits, so its spans reach the node's collector.</summary>
    private static readonly string[] OtlpVariableNames =
        [OtlpEndpointVariable, OtlpTracesEndpointVariable, OtlpProtocolVariable, "OTEL_EXPORTER_OTLP_HEADERS"];

    /// <summary>Unix socket paths are limited to 107 bytes plus a terminating zero (<c>sockaddr_un.sun_path</c>).</summary>
    private const int MaxSocketPathBytes = 107;

    /// <summary>The managed heap limit of a worker with a memory limit: a quarter of it, at least 64 MiB (or the whole
    /// limit when smaller). Tensors of requests in flight live there; model weights live in native memory.</summary>
    public static long GcHeapLimitBytes(long memoryLimitBytes) =>
        memoryLimitBytes <= 0 ? 0 : Math.Max(memoryLimitBytes / 4, Math.Min(memoryLimitBytes, 64L << 20));

    /// <summary>The engine arena limit of a worker with a memory limit: half of it.</summary>
    public static long ArenaLimitBytes(long memoryLimitBytes) => memoryLimitBytes <= 0 ? 0 : memoryLimitBytes / 2;

    /// <summary>A fresh socket path: <c>&lt;dir&gt;/mp-&lt;16 hex&gt;.sock</c>, in <c>/tmp</c> when the folder is too long.</summary>
    public static string NewSocketPath(string? directory)
    {
        var name = $"mp-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}.sock";
        var path = Path.Combine(directory ?? Path.GetTempPath(), name);
        return System.Text.Encoding.UTF8.GetByteCount(path) <= MaxSocketPathBytes ? path : Path.Combine("/tmp", name);
    }

    /// <summary>The .NET root of the node's runtime (see <see cref="WorkerReplicaOptions.DotnetRoot"/>).</summary>
    public static string NodeDotnetRoot()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        var runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar);
        return Path.GetFullPath(Path.Combine(runtimeDirectory, "..", "..", ".."));
    }

    /// <summary>
    /// The OpenTelemetry exporter variables a worker gets, so it exports its spans where the node exports its own (the
    /// worker turns tracing on when an endpoint variable is set): the node's <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>,
    /// <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>, <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> and <c>OTEL_EXPORTER_OTLP_HEADERS</c>
    /// where set; then, as the node's own tracing does, the configured protocol and endpoint win over them. A configured
    /// HTTP endpoint that already ends in <c>/v1/traces</c> goes in <c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c> (used as
    /// is); any other in <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (HTTP exporters append <c>/v1/traces</c>).
    /// </summary>
    /// <param name="configuredEndpoint"><see cref="WorkerReplicaOptions.OtlpEndpoint"/>, or null.</param>
    /// <param name="configuredProtocol"><see cref="WorkerReplicaOptions.OtlpProtocol"/>, or null.</param>
    /// <param name="nodeVariable">Reads one of the node's environment variables (null when unset).</param>
    /// <returns>Variable name to value; empty when the node exports no traces.</returns>
    public static IReadOnlyDictionary<string, string> OtlpVariables(
        string? configuredEndpoint, string? configuredProtocol, Func<string, string?> nodeVariable)
    {
        ArgumentNullException.ThrowIfNull(nodeVariable);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in OtlpVariableNames)
        {
            if (nodeVariable(name) is { } value && !string.IsNullOrWhiteSpace(value))
            {
                variables[name] = value;
            }
        }

        if (!string.IsNullOrWhiteSpace(configuredProtocol))
        {
            variables[OtlpProtocolVariable] = configuredProtocol.Trim().ToLowerInvariant();
        }

        if (!string.IsNullOrWhiteSpace(configuredEndpoint))
        {
            var endpoint = configuredEndpoint.Trim();
            var http = variables.GetValueOrDefault(OtlpProtocolVariable)?.Trim() == "http/protobuf";
            variables.Remove(OtlpEndpointVariable);
            variables.Remove(OtlpTracesEndpointVariable);
            var complete = http && endpoint.TrimEnd('/').EndsWith("/v1/traces", StringComparison.Ordinal);
            variables[complete ? OtlpTracesEndpointVariable : OtlpEndpointVariable] = endpoint;
        }

        return variables;
    }

    /// <summary>The start info for one worker; output and error are redirected, the environment is built from scratch.</summary>
    /// <param name="spec">The replica to start.</param>
    /// <param name="socketPath">The Unix socket the worker binds.</param>
    /// <param name="dotnetRoot">The .NET root the worker runs on (<c>DOTNET_ROOT</c>).</param>
    /// <param name="otlpEndpoint">The node's configured OTLP endpoint (<see cref="WorkerReplicaOptions.OtlpEndpoint"/>), or null.</param>
    /// <param name="otlpProtocol">The node's configured OTLP protocol (<see cref="WorkerReplicaOptions.OtlpProtocol"/>), or null.</param>
    public static ProcessStartInfo CreateStartInfo(
        ReplicaSpec spec, string socketPath, string dotnetRoot, string? otlpEndpoint = null, string? otlpProtocol = null)
    {
        var info = new ProcessStartInfo(Path.Combine(spec.RuntimeDirectory, ExecutableName))
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = spec.ImageDirectory,
        };
        string[] arguments =
        [
            "--image", spec.ImageDirectory,
            "--socket", socketPath,
            "--parent-pid", Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
            "--intra-op-threads", Math.Max(1, spec.IntraOpThreads).ToString(CultureInfo.InvariantCulture),
            "--replica-id", spec.ReplicaId,
        ];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (ArenaLimitBytes(spec.MemoryLimitBytes) is > 0 and var arena)
        {
            info.ArgumentList.Add("--arena-limit-bytes");
            info.ArgumentList.Add(arena.ToString(CultureInfo.InvariantCulture));
        }

        info.Environment.Clear();
        foreach (var name in InheritedVariables)
        {
            if (Environment.GetEnvironmentVariable(name) is { } value)
            {
                info.Environment[name] = value;
            }
        }

        foreach (var (name, value) in OtlpVariables(otlpEndpoint, otlpProtocol, Environment.GetEnvironmentVariable))
        {
            info.Environment[name] = value;
        }

        foreach (var (name, value) in spec.EnvironmentVariables ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }

        info.Environment["DOTNET_ROOT"] = dotnetRoot;
        // llama.cpp prints a gdb backtrace on GGML_ASSERT before aborting; the abort itself is enough (the build log
        // keeps the assert line), and the backtrace can hang on machines where ptrace is restricted.
        info.Environment["GGML_NO_BACKTRACE"] = "1";
        if (GcHeapLimitBytes(spec.MemoryLimitBytes) is > 0 and var heap)
        {
            info.Environment["DOTNET_GCHeapHardLimit"] = heap.ToString("x", CultureInfo.InvariantCulture);
        }

        return info;
    }
}
