using Modelplane.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Modelplane.Cli.Output;

/// <summary>Table renderings of serving endpoints for <c>--output table</c>.</summary>
internal static class EndpointTables
{
    /// <summary>One row per endpoint.</summary>
    public static IRenderable Endpoints(IReadOnlyList<ServingEndpoint> endpoints)
    {
        var table = Tables.Create("NAME", "STATE", "SERVED ENTITIES", "UPDATED");
        foreach (var e in endpoints)
        {
            table.AddRow(
                Tables.Cell(e.Name),
                Tables.Cell(State(e.State)),
                Tables.Cell(string.Join(", ", (e.Config?.ServedEntities ?? []).Select(Entity))),
                Tables.Cell(Tables.Time(e.LastUpdatedTimestamp ?? e.CreationTimestamp)));
        }

        return table;
    }

    /// <summary>One endpoint: its fields, then its live and pending served entities.</summary>
    public static IRenderable Endpoint(ServingEndpoint e)
    {
        var fields = Tables.KeyValues(
            ("name", e.Name),
            ("id", e.Id),
            ("state", State(e.State)),
            ("config_version", e.Config?.ConfigVersion?.ToString()),
            ("pending_config_version", e.PendingConfig?.ConfigVersion?.ToString()),
            ("creator", e.Creator),
            ("created", Tables.Time(e.CreationTimestamp)),
            ("updated", Tables.Time(e.LastUpdatedTimestamp)),
            ("tags", e.Tags is null ? null : string.Join(", ", e.Tags.Select(t => $"{t.Key}={t.Value}"))));
        var entities = Tables.Create("CONFIG", "SERVED ENTITY", "MODEL", "VERSION", "SIZE", "TRAFFIC", "REPLICAS", "IMAGE", "DEPLOYMENT");
        AddEntities(entities, "live", e.Config);
        AddEntities(entities, "pending", e.PendingConfig);
        return new Rows(fields, entities);
    }

    /// <summary><c>READY (NOT_UPDATING)</c> style summary.</summary>
    public static string State(EndpointState? state) =>
        state is null ? "" : $"{state.Ready ?? "?"} ({state.ConfigUpdate ?? "?"})";

    private static void AddEntities(Table table, string label, EndpointConfig? config)
    {
        foreach (var s in config?.ServedEntities ?? [])
        {
            var route = config!.TrafficConfig?.Routes?.FirstOrDefault(r => r.ServedModelName == s.Name);
            var external = s.ExternalModel;
            var version = external is not null ? (string?)external["task"] : s.EntityAlias is null ? s.EntityVersion : $"{s.EntityVersion} (@{s.EntityAlias})";
            var deployment = s.State?.DeploymentStateMessage is { Length: > 0 } m ? $"{s.State.Deployment}: {m}" : s.State?.Deployment;
            table.AddRow(
                Tables.Cell(label),
                Tables.Cell(s.Name),
                Tables.Cell(external is not null ? $"{(string?)external["provider"]}: {(string?)external["name"]}" : s.EntityName),
                Tables.Cell(version),
                Tables.Cell(external is not null ? "external" : (s.WorkloadSize ?? $"{s.MinProvisionedConcurrency}-{s.MaxProvisionedConcurrency}") + (s.ScaleToZeroEnabled == true ? ", scale to zero" : "")),
                Tables.Cell(route is null ? null : $"{route.TrafficPercentage}%"),
                Tables.Cell(Replicas(s.Replicas)),
                Tables.Cell(s.ImageId is { Length: > 12 } image ? image[..12] : s.ImageId),
                Tables.Cell(deployment));
        }
    }

    /// <summary><c>2 ready (pids 101, 102)</c>, with other states counted; empty when not live.</summary>
    private static string? Replicas(IReadOnlyList<ReplicaStatus>? replicas) => replicas is null ? null
        : replicas.Count == 0 ? "0 (scaled to zero)"
        : string.Join(", ", replicas.GroupBy(r => r.State?.ToLowerInvariant()).Select(g => $"{g.Count()} {g.Key}"))
            + $" (pids {string.Join(", ", replicas.Select(r => r.ProcessId))})";

    private static string Entity(ServedEntity s) =>
        $"{s.Name} ({s.EntityName} v{s.EntityVersion}{(s.EntityAlias is null ? "" : " @" + s.EntityAlias)})";
}
