namespace Modelplane.Sql;

/// <summary>
/// The columns and DuckDB types of the node's tables as SQL sees them (docs/tables.md, databricks-serving.md §3.2–3.3);
/// the names are the JSON names of the node's rows (<c>Modelplane.Core.Tables.UsageRow</c>, <c>ServedEntityRow</c>,
/// <c>PayloadRow</c>). Times are <c>TIMESTAMP WITH TIME ZONE</c> (the Parquet files' UTC-adjusted timestamps); JSON
/// held as text (<c>usage_context</c>, <c>request</c>, <c>response</c>, …) is <c>VARCHAR</c>, ready for DuckDB's JSON
/// functions (<c>request-&gt;&gt;'$.messages[0].content'</c>).
/// </summary>
public static class NodeTableSchemas
{
    /// <summary><c>system.serving.endpoint_usage</c>.</summary>
    public static SqlTableName EndpointUsageName { get; } = new("system", "serving", "endpoint_usage");

    /// <summary><c>system.serving.served_entities</c>.</summary>
    public static SqlTableName ServedEntitiesName { get; } = new("system", "serving", "served_entities");

    /// <summary>The suffix of every payload table's name (<c>&lt;catalog&gt;.&lt;schema&gt;.&lt;prefix&gt;_payload</c>).</summary>
    public const string PayloadSuffix = "_payload";

    /// <summary>One row per request on an endpoint with usage tracking.</summary>
    public static IReadOnlyList<SqlColumn> EndpointUsage { get; } =
    [
        new("databricks_request_id", Varchar),
        new("client_request_id", Varchar),
        new("request_time", Timestamp),
        new("status_code", "INTEGER"),
        new("requester", Varchar),
        new("served_entity_id", Varchar),
        new("input_token_count", "INTEGER"),
        new("output_token_count", "INTEGER"),
        new("usage_source", Varchar),
        new("request_streaming", "BOOLEAN"),
        new("usage_context", Varchar),
        new("endpoint_name", Varchar),
    ];

    /// <summary>One row per served entity per endpoint config version that went live.</summary>
    public static IReadOnlyList<SqlColumn> ServedEntities { get; } =
    [
        new("served_entity_id", Varchar),
        new("endpoint_name", Varchar),
        new("endpoint_id", Varchar),
        new("served_entity_name", Varchar),
        new("entity_name", Varchar),
        new("entity_version", Varchar),
        new("endpoint_config_version", "INTEGER"),
        new("entity_type", Varchar),
        new("task", Varchar),
        new("change_time", Timestamp),
    ];

    /// <summary>One row per logged request of an endpoint's inference table.</summary>
    public static IReadOnlyList<SqlColumn> Payload { get; } =
    [
        new("request_date", "DATE"),
        new("databricks_request_id", Varchar),
        new("client_request_id", Varchar),
        new("request_time", Timestamp),
        new("status_code", "INTEGER"),
        new("sampling_fraction", "DOUBLE"),
        new("execution_duration_ms", "BIGINT"),
        new("request", Varchar),
        new("response", Varchar),
        new("served_entity_id", Varchar),
        new("logging_error_details", Varchar),
        new("requester", Varchar),
        new("guardrail_detections", Varchar),
    ];

    private const string Varchar = "VARCHAR";
    private const string Timestamp = "TIMESTAMP WITH TIME ZONE";

    /// <summary>Whether <paramref name="name"/> has the shape of a payload table name (its table part ends in <c>_payload</c>).</summary>
    public static bool IsPayloadName(SqlTableName name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Table.Length > PayloadSuffix.Length && name.Table.EndsWith(PayloadSuffix, StringComparison.Ordinal);
    }

    /// <summary>Whether two three-part names are the same table (DuckDB compares names case-insensitively).</summary>
    public static bool SameName(SqlTableName a, SqlTableName b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return string.Equals(a.ToString(), b.ToString(), StringComparison.OrdinalIgnoreCase);
    }
}
