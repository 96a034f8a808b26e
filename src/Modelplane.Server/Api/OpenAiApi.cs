using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Governance.Permissions;
using Modelplane.Core.Serving;
using Modelplane.Server.Metrics;

namespace Modelplane.Server.Api;

/// <summary>
/// The OpenAI-compatible routes (databricks-serving.md §2.2; OpenAI API, ../shared/testdata/openai/openapi.yaml): an
/// OpenAI client pointed at <c>base_url = https://&lt;node&gt;/serving-endpoints</c> (or <c>/v1</c>) with
/// <c>model</c> = the endpoint name reaches that endpoint's pipeline. <c>POST {base}/chat/completions</c>,
/// <c>/completions</c>, <c>/embeddings</c>; <c>GET {base}/models</c> lists the live LLM endpoints the caller may
/// query (CAN_QUERY) and <c>GET {base}/models/{model}</c> shows one (404, as for an unknown model, when the caller may
/// not query it). Queries are checked for CAN_QUERY inside the endpoint's pipeline. Errors use OpenAI's <c>{"error": {…}}</c> shape; an unknown
/// <c>model</c> is 404 with <c>param: model</c>.
/// </summary>
public static class OpenAiApi
{
    /// <summary>Maps the routes under both prefixes.</summary>
    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in (string[])["/serving-endpoints", "/v1"])
        {
            var group = app.MapGroup(prefix).WithTags("OpenAI");
            group.MapPost("/chat/completions", (HttpContext http) => RunAsync(http, LlmTask.Chat));
            group.MapPost("/completions", (HttpContext http) => RunAsync(http, LlmTask.Completions));
            group.MapPost("/embeddings", (HttpContext http) => RunAsync(http, LlmTask.Embeddings));
            group.MapGet("/models", async (HttpContext http, LiveEndpoints live, PermissionService permissions) =>
            {
                var visible = await permissions.VisibleAsync(http.CallerIdentity(), PermissionLevels.ServingEndpoints, PermissionLevels.CanQuery, http.RequestAborted);
                return Results.Json(new ModelList([.. live.All.Where(e => LlmExchange.TaskOf(e) is not null && (visible is null || visible.Contains(e.EndpointId)))
                    .OrderBy(e => e.Name, StringComparer.Ordinal).Select(Describe)]), LlmJson.Options);
            });
            group.MapGet("/models/{model}", async (string model, HttpContext http, LiveEndpoints live, PermissionService permissions) =>
                live.Find(model) is { } e && LlmExchange.TaskOf(e) is not null
                    && await permissions.HoldsAsync(http.CallerIdentity(), PermissionLevels.ServingEndpoints, e.EndpointId, PermissionLevels.CanQuery, http.RequestAborted)
                    ? Results.Json(Describe(e), LlmJson.Options)
                    : throw UnknownModel(model));
        }

        return app;
    }

    private static async Task RunAsync(HttpContext http, string task)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var body = await LlmExchange.ReadAsync(http);
        var payload = LlmExchange.Parse(body, task);
        var model = payload.Model ?? throw new ModelplaneException(ErrorCode.InvalidParameterValue, "'model' is required: the name of a serving endpoint.") { Param = "model" };
        ServingMetricsRecording.Track(http, model, started); // Counted under the endpoint the body names.
        var endpoint = await FindAsync(http, model);
        await LlmExchange.RunAsync(http, endpoint, task, body, payload);
    }

    private static async Task<EndpointRuntime> FindAsync(HttpContext http, string model)
    {
        try
        {
            return await EndpointResolver.LiveAsync(http, model);
        }
        catch (ModelplaneException ex) when (ex.StatusCode == 404)
        {
            throw UnknownModel(model);
        }
    }

    private static ModelplaneException UnknownModel(string model) =>
        new(ErrorCode.ResourceDoesNotExist, $"The model '{model}' does not exist: no serving endpoint has that name.") { Param = "model" };

    private static ModelObject Describe(EndpointRuntime e) => new(e.Name, "model", 0, "modelplane");

    /// <summary><c>{"object": "list", "data": [...]}</c>.</summary>
    /// <param name="Data">Models.</param>
    private sealed record ModelList(IReadOnlyList<ModelObject> Data)
    {
        public string Object => "list";
    }

    /// <summary>An OpenAI <c>Model</c>: <c>id</c> (the endpoint name), <c>object</c>, <c>created</c>, <c>owned_by</c>.</summary>
    private sealed record ModelObject(string Id, string Object, long Created, string OwnedBy);
}
