using System.Text.Json.Serialization;
using Parquet.Serialization.Attributes;

namespace Modelplane.Core.Tables;

/// <summary>
/// A row of an inference (payload) table <c>&lt;catalog&gt;.&lt;schema&gt;.&lt;prefix&gt;_payload</c>
/// (databricks-serving.md §3.3). Parquet types: <c>request_date</c> DATE, <c>request_time</c> UTC timestamp in
/// microseconds, <c>status_code</c> INT32, <c>sampling_fraction</c> DOUBLE, <c>execution_duration_ms</c> INT64, the
/// rest optional UTF-8 strings (request, response and the two JSON columns hold JSON text).
/// </summary>
public sealed class PayloadRow : ITableRow
{
    private DateTime requestTime;

    /// <summary>The UTC day of <see cref="RequestTime"/>.</summary>
    [JsonPropertyName("request_date")]
    public DateOnly RequestDate { get; set; }

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

    /// <summary>The HTTP status the caller got.</summary>
    [JsonPropertyName("status_code")]
    public int StatusCode { get; set; }

    /// <summary>The table's sampling fraction when the row was logged (0–1].</summary>
    [JsonPropertyName("sampling_fraction")]
    public double SamplingFraction { get; set; }

    /// <summary>Milliseconds spent in the model (for streams, until the last chunk).</summary>
    [JsonPropertyName("execution_duration_ms")]
    public long ExecutionDurationMs { get; set; }

    /// <summary>The request as the model saw it (after input masking); null when over the size limit.</summary>
    [JsonPropertyName("request")]
    public string? Request { get; set; }

    /// <summary>The response JSON (streams assembled; errors as <c>{"error_code","message"}</c>); null when over the size limit.</summary>
    [JsonPropertyName("response")]
    public string? Response { get; set; }

    /// <summary>The served entity that answered; null when none was chosen.</summary>
    [JsonPropertyName("served_entity_id")]
    public string? ServedEntityId { get; set; }

    /// <summary>JSON array of <c>{"error_code","error_message"}</c> about logging this row (oversize bodies, a stream
    /// that failed or was cut after it started); null when none.</summary>
    [JsonPropertyName("logging_error_details")]
    public string? LoggingErrorDetails { get; set; }

    /// <summary>The caller: user name or service principal application id.</summary>
    [JsonPropertyName("requester")]
    public string? Requester { get; set; }

    /// <summary>Modelplane extension: JSON array of the guardrail detections (<c>side</c>, <c>guardrail</c>, <c>kind</c>,
    /// <c>count</c>, <c>action</c>); null when none.</summary>
    [JsonPropertyName("guardrail_detections")]
    public string? GuardrailDetections { get; set; }

    /// <inheritdoc />
    [JsonIgnore]
    public DateOnly PartitionDate => RequestDate;

    /// <inheritdoc />
    [JsonIgnore]
    public DateTime RowTime => RequestTime;
}
