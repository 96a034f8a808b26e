using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;

namespace Modelplane.Core.Tables;

/// <summary>A row of one of the governance tables; the column names are the <see cref="JsonPropertyNameAttribute"/>s,
/// used alike by the Parquet files (Parquet.Net honours them) and by the read API's JSON.</summary>
public interface ITableRow
{
    /// <summary>The UTC day the row is filed under (<c>request_date=YYYY-MM-DD</c>).</summary>
    DateOnly PartitionDate { get; }

    /// <summary>The row's time, for ordering and <c>since</c>.</summary>
    DateTime RowTime { get; }
}

/// <summary>
/// A row of <c>system.serving.endpoint_usage</c> (databricks-serving.md §3.2). Parquet types: strings are optional
/// UTF-8 byte arrays, <c>request_time</c> a UTC timestamp in microseconds, <c>status_code</c> INT32, token counts
/// optional INT32, <c>request_streaming</c> BOOLEAN.
/// </summary>
public sealed class UsageRow : ITableRow
{
    private DateTime requestTime;

    /// <summary>The request id (the <c>x-request-id</c> header).</summary>
    [JsonPropertyName("databricks_request_id")]
    public string? DatabricksRequestId { get; set; }

    /// <summary>The caller's <c>client_request_id</c>, when the body had one.</summary>
    [JsonPropertyName("client_request_id")]
    public string? ClientRequestId { get; set; }

    /// <summary>When the request reached the endpoint's pipeline (UTC).</summary>
    [JsonPropertyName("request_time")]
    [ParquetTimestamp(ParquetTimestampResolution.Microseconds, useLogicalTimestamp: true, isAdjustedToUTC: true)]
    public DateTime RequestTime
    {
        get => requestTime;
        set => requestTime = DateTime.SpecifyKind(value, DateTimeKind.Utc);
    }

    /// <summary>The HTTP status the caller got (200 for a stream that started, whatever happened after).</summary>
    [JsonPropertyName("status_code")]
    public int StatusCode { get; set; }

    /// <summary>The caller: user name or service principal application id.</summary>
    [JsonPropertyName("requester")]
    public string? Requester { get; set; }

    /// <summary>The served entity that answered (<see cref="TableNames.ServedEntityId"/>); null when none was chosen.</summary>
    [JsonPropertyName("served_entity_id")]
    public string? ServedEntityId { get; set; }

    /// <summary>Prompt tokens; null for custom models and requests that reached no model.</summary>
    [JsonPropertyName("input_token_count")]
    public int? InputTokenCount { get; set; }

    /// <summary>Completion tokens; null for custom models, embeddings and requests that reached no model.</summary>
    [JsonPropertyName("output_token_count")]
    public int? OutputTokenCount { get; set; }

    /// <summary><c>reported</c> (the provider's counts) or <c>estimated</c> (counted locally); null without counts.</summary>
    [JsonPropertyName("usage_source")]
    public string? UsageSource { get; set; }

    /// <summary>Whether the caller asked for a stream.</summary>
    [JsonPropertyName("request_streaming")]
    public bool RequestStreaming { get; set; }

    /// <summary>The request's <c>usage_context</c> map as a JSON object string; null when absent and for custom models.</summary>
    [JsonPropertyName("usage_context")]
    public string? UsageContext { get; set; }

    /// <summary>Modelplane extension: the endpoint's name (Databricks joins <c>served_entities</c> for it).</summary>
    [JsonPropertyName("endpoint_name")]
    public string? EndpointName { get; set; }

    /// <inheritdoc />
    [JsonIgnore]
    public DateOnly PartitionDate => DateOnly.FromDateTime(RequestTime);

    /// <inheritdoc />
    [JsonIgnore]
    public DateTime RowTime => RequestTime;
}

/// <summary>
/// A row of <c>system.serving.served_entities</c>: one per served entity per config version that went live.
/// <c>change_time</c> is a UTC timestamp in microseconds, <c>endpoint_config_version</c> INT32.
/// </summary>
public sealed class ServedEntityRow : ITableRow
{
    private DateTime changeTime;

    /// <summary><see cref="TableNames.ServedEntityId"/> of the entity in this config version.</summary>
    [JsonPropertyName("served_entity_id")]
    public string? ServedEntityId { get; set; }

    /// <summary>Endpoint name.</summary>
    [JsonPropertyName("endpoint_name")]
    public string? EndpointName { get; set; }

    /// <summary>Endpoint id.</summary>
    [JsonPropertyName("endpoint_id")]
    public string? EndpointId { get; set; }

    /// <summary>The served entity's name in the config.</summary>
    [JsonPropertyName("served_entity_name")]
    public string? ServedEntityName { get; set; }

    /// <summary>Registered model full name, or the external model's name.</summary>
    [JsonPropertyName("entity_name")]
    public string? EntityName { get; set; }

    /// <summary>Registered model version; null for external models.</summary>
    [JsonPropertyName("entity_version")]
    public string? EntityVersion { get; set; }

    /// <summary>The config version that went live.</summary>
    [JsonPropertyName("endpoint_config_version")]
    public int EndpointConfigVersion { get; set; }

    /// <summary><c>CUSTOM_MODEL</c> (tensor models), <c>EXTERNAL_MODEL</c> or <c>FOUNDATION_MODEL</c> (local LLM flavors).</summary>
    [JsonPropertyName("entity_type")]
    public string? EntityType { get; set; }

    /// <summary>The LLM task (<c>llm/v1/chat</c>, …); null for custom models.</summary>
    [JsonPropertyName("task")]
    public string? Task { get; set; }

    /// <summary>When the config version went live (UTC).</summary>
    [JsonPropertyName("change_time")]
    [ParquetTimestamp(ParquetTimestampResolution.Microseconds, useLogicalTimestamp: true, isAdjustedToUTC: true)]
    public DateTime ChangeTime
    {
        get => changeTime;
        set => changeTime = DateTime.SpecifyKind(value, DateTimeKind.Utc);
    }

    /// <inheritdoc />
    [JsonIgnore]
    public DateOnly PartitionDate => DateOnly.FromDateTime(ChangeTime);

    /// <inheritdoc />
    [JsonIgnore]
    public DateTime RowTime => ChangeTime;
}
