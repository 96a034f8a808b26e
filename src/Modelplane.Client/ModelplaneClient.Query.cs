using System.Text;
using System.Text.Json;

namespace Modelplane.Client;

/// <summary>Queries, <c>POST /serving-endpoints/{name}/invocations</c> (databricks-serving.md §2.1).</summary>
public sealed partial class ModelplaneClient
{
    /// <summary>Media type of JSON query bodies.</summary>
    public const string JsonMediaType = "application/json";

    /// <summary>Media type of CSV query bodies (a header row, then one row per record).</summary>
    public const string CsvMediaType = "text/csv";

    /// <summary>
    /// Sends a JSON query: a document with exactly one of <c>dataframe_split</c>, <c>dataframe_records</c>,
    /// <c>instances</c>, <c>inputs</c> (plus optional <c>params</c>). The text is sent as given, not re-serialised.
    /// </summary>
    /// <param name="endpoint">Endpoint name.</param>
    /// <param name="json">The request document.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer body (<c>{"predictions": ...}</c>) and its <c>served-model-name</c> / <c>x-request-id</c> headers.</returns>
    /// <exception cref="ModelplaneApiException">400 naming the column or input at fault, 404, 413 over 16 MB, …</exception>
    public Task<QueryResponse> QueryAsync(string endpoint, string json, CancellationToken cancellationToken = default) =>
        QueryAsync(endpoint, json, JsonMediaType, cancellationToken);

    /// <summary>Sends a query body of a given media type (<see cref="JsonMediaType"/> or <see cref="CsvMediaType"/>).</summary>
    /// <param name="endpoint">Endpoint name.</param>
    /// <param name="body">The body text (UTF-8 on the wire).</param>
    /// <param name="mediaType"><c>application/json</c> or <c>text/csv</c>.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer body and headers.</returns>
    public async Task<QueryResponse> QueryAsync(string endpoint, string body, string mediaType, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"serving-endpoints/{Escape(endpoint)}/invocations")
        {
            Content = new StringContent(body, Encoding.UTF8, mediaType),
        };
        using var response = await SendRawAsync(request, cancellationToken);
        var bytes = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        var document = bytes.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(bytes, ModelplaneJson.Options);
        return new QueryResponse(document, Header(response, "served-model-name"), Header(response, "x-request-id"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
