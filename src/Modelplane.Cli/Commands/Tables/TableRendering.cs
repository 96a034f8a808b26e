using System.Text.Json.Nodes;
using Spectre.Console;
using Spectre.Console.Rendering;
using OutputTables = Modelplane.Cli.Output.Tables;

namespace Modelplane.Cli.Commands.TableReads;

/// <summary>Table rendering of governance table rows for <c>--output table</c>: the main columns of each table, long
/// request and response bodies cut to 60 characters (use <c>--output json</c> for everything).</summary>
internal static class TableRendering
{
    private const int BodyWidth = 60;

    private static readonly (string Header, string Column)[] Usage =
    [
        ("REQUEST TIME", "request_time"), ("ENDPOINT", "endpoint_name"), ("REQUESTER", "requester"), ("STATUS", "status_code"),
        ("IN", "input_token_count"), ("OUT", "output_token_count"), ("SOURCE", "usage_source"), ("STREAM", "request_streaming"),
        ("REQUEST ID", "databricks_request_id"),
    ];

    private static readonly (string Header, string Column)[] Payload =
    [
        ("REQUEST TIME", "request_time"), ("STATUS", "status_code"), ("REQUESTER", "requester"), ("MS", "execution_duration_ms"),
        ("REQUEST", "request"), ("RESPONSE", "response"), ("ERRORS", "logging_error_details"), ("REQUEST ID", "databricks_request_id"),
    ];

    private static readonly (string Header, string Column)[] ServedEntities =
    [
        ("CHANGE TIME", "change_time"), ("ENDPOINT", "endpoint_name"), ("VERSION", "endpoint_config_version"), ("SERVED ENTITY", "served_entity_name"),
        ("ENTITY", "entity_name"), ("ENTITY VERSION", "entity_version"), ("TYPE", "entity_type"), ("ID", "served_entity_id"),
    ];

    /// <summary>One table row per row.</summary>
    public static IRenderable Render(TableKind kind, IReadOnlyList<JsonObject> rows)
    {
        var columns = kind switch
        {
            TableKind.Usage => Usage,
            TableKind.Payload => Payload,
            _ => ServedEntities,
        };
        var table = OutputTables.Create([.. columns.Select(c => c.Header)]);
        foreach (var row in rows)
        {
            table.AddRow([.. columns.Select(c => OutputTables.Cell(Text(row[c.Column])))]);
        }

        return table;
    }

    private static string? Text(JsonNode? value)
    {
        var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString();
        return text is { Length: > BodyWidth } ? text[..(BodyWidth - 1)] + "…" : text;
    }
}
