using Modelplane.Core.Endpoints;

namespace Modelplane.Server.Api;

/// <summary>
/// The serving-endpoints control API with Databricks paths and shapes (databricks-serving.md §1.1–1.4) under
/// <c>/api/2.0/serving-endpoints</c>. Create and update answer 200 with the endpoint object; configs apply
/// asynchronously (poll GET until <c>state.config_update</c> leaves <c>IN_PROGRESS</c>).
/// </summary>
public static class ServingEndpointsApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapServingEndpointsApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/2.0/serving-endpoints").WithTags("Serving endpoints");
        group.MapPost("", async (HttpRequest request, EndpointService endpoints, CancellationToken ct) =>
            await endpoints.CreateAsync(await RequestBodies.ReadJsonAsync<CreateEndpointRequest>(request), request.HttpContext.Caller(), ct))
            .Accepts<CreateEndpointRequest>("application/json");
        group.MapGet("", (EndpointService endpoints, CancellationToken ct) => endpoints.ListAsync(ct));
        group.MapGet("/{name}", (string name, EndpointService endpoints, CancellationToken ct) => endpoints.GetAsync(name, ct));
        group.MapDelete("/{name}", async (string name, EndpointService endpoints, CancellationToken ct) =>
        {
            await endpoints.DeleteAsync(name, ct);
            return Results.Json(new { });
        });
        group.MapPut("/{name}/config", async (string name, HttpRequest request, EndpointService endpoints, CancellationToken ct) =>
            await endpoints.UpdateConfigAsync(name, await RequestBodies.ReadJsonAsync<EndpointCoreConfigInput>(request), request.HttpContext.Caller(), ct))
            .Accepts<EndpointCoreConfigInput>("application/json");
        group.MapPost("/{name}/rebuild", (string name, HttpRequest request, EndpointService endpoints, CancellationToken ct) =>
            endpoints.RebuildAsync(name, request.HttpContext.Caller(), ct))
            .WithSummary("Rebuild the endpoint's images on the node's current runtime (Modelplane extension): a new config version.");
        group.MapPatch("/{name}/tags", async (string name, HttpRequest request, EndpointService endpoints, CancellationToken ct) =>
            new { tags = await endpoints.PatchTagsAsync(name, await RequestBodies.ReadJsonAsync<PatchTagsRequest>(request), ct) })
            .Accepts<PatchTagsRequest>("application/json");
        group.MapGet("/{name}/served-models/{servedModelName}/build-logs", (string name, string servedModelName, EndpointService endpoints, CancellationToken ct) =>
            endpoints.GetLogsAsync(name, servedModelName, build: true, ct));
        group.MapGet("/{name}/served-models/{servedModelName}/logs", (string name, string servedModelName, EndpointService endpoints, CancellationToken ct) =>
            endpoints.GetLogsAsync(name, servedModelName, build: false, ct));
        group.MapGet("/{name}/openapi", async (string name, EndpointService endpoints, Core.Serving.LiveEndpoints live, HttpRequest request, CancellationToken ct) =>
            Results.Text(EndpointOpenApiDocument.Build(await endpoints.GetAsync(name, ct), live.Find(name), $"{request.Scheme}://{request.Host}"), "application/json"));
        return app;
    }
}
