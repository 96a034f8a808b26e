using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;
using Modelplane.Core.Serving.Replicas;

namespace Modelplane.Core.Serving.Workers;

/// <summary>Creates <see cref="WorkerReplica"/>s: one worker process per replica of a custom or local model.</summary>
/// <param name="options">Start and stop settings shared by every replica.</param>
/// <param name="loggerFactory">Logs node-side replica events; null for none.</param>
public sealed class WorkerReplicaFactory(WorkerReplicaOptions options, ILoggerFactory? loggerFactory = null) : IReplicaFactory
{
    /// <inheritdoc />
    public IReplica Create(ReplicaSpec spec) => new WorkerReplica(spec, options, loggerFactory?.CreateLogger<WorkerReplica>());
}

/// <summary>Registers worker replicas with dependency injection.</summary>
public static class WorkerReplicaServiceCollectionExtensions
{
    /// <summary>Configuration key of the node's OTLP collector address (the node's tracing reads the same key).</summary>
    public const string OtlpEndpointKey = "Modelplane:Telemetry:OtlpEndpoint";

    /// <summary>Configuration key of the node's OTLP protocol (the node's tracing reads the same key).</summary>
    public const string OtlpProtocolKey = "Modelplane:Telemetry:OtlpProtocol";

    /// <summary>
    /// Registers <see cref="WorkerReplicaFactory"/> as the singleton <see cref="IReplicaFactory"/>, with
    /// <see cref="WorkerReplicaOptions.ReadyTimeout"/> from <see cref="ServingOptions.ReplicaStartTimeoutSeconds"/> and
    /// <see cref="WorkerReplicaOptions.OtlpEndpoint"/> / <see cref="WorkerReplicaOptions.OtlpProtocol"/> from
    /// <see cref="OtlpEndpointKey"/> / <see cref="OtlpProtocolKey"/> of the registered <see cref="IConfiguration"/>, if any.
    /// </summary>
    public static IServiceCollection AddWorkerReplicas(this IServiceCollection services)
    {
        services.AddSingleton(sp =>
        {
            var configuration = sp.GetService<IConfiguration>();
            return new WorkerReplicaOptions
            {
                ReadyTimeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<ServingOptions>>().Value.ReplicaStartTimeoutSeconds),
                OtlpEndpoint = NullIfBlank(configuration?[OtlpEndpointKey]),
                OtlpProtocol = NullIfBlank(configuration?[OtlpProtocolKey]),
            };
        });
        services.AddSingleton<IReplicaFactory>(sp => new WorkerReplicaFactory(sp.GetRequiredService<WorkerReplicaOptions>(), sp.GetService<ILoggerFactory>()));
        return services;
    }

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
