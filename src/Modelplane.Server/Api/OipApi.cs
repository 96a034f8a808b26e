using System.Text.Json;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;
using Modelplane.Core;
using Modelplane.Core.Governance.Permissions;
using Modelplane.Core.Serving;
using Modelplane.Core.Serving.Pipeline;
using Modelplane.Server.Metrics;

namespace Modelplane.Server.Api;

/// <summary>
/// KServe Open Inference Protocol v2 REST (inference_rest.md) on serving endpoints: the model name is the endpoint, a
/// version is a served entity name. Without a version, inference follows the endpoint's traffic routes and metadata
/// describes the endpoint's first served entity; <c>versions</c> lists every served entity name. Errors are
/// <c>{"error", "code"}</c>. Metadata and readiness need CAN_VIEW on the endpoint; inference needs CAN_QUERY, checked
/// inside the endpoint's pipeline. The profile is docs/oip-profile.md.
/// </summary>
public static class OipApi
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapOipApi(this IEndpointRouteBuilder app)
    {
        var v2 = app.MapGroup("/v2").WithTags("Open Inference Protocol v2");
        v2.MapGet("", () => new { name = "modelplane", version = typeof(OipApi).Assembly.GetName().Version?.ToString(3), extensions = Array.Empty<string>() });
        foreach (var prefix in new[] { "/models/{name}", "/models/{name}/versions/{version}" })
        {
            v2.MapGet(prefix, MetadataAsync);
            v2.MapGet(prefix + "/ready", ReadyAsync);
            v2.MapPost(prefix + "/infer", InferAsync).WithServingMetrics();
        }

        return app;
    }

    private static async Task<IResult> MetadataAsync(string name, string? version, HttpContext http)
    {
        await http.RequireEndpointAsync(name, PermissionLevels.CanView);
        var endpoint = await EndpointResolver.LiveAsync(http, name);
        var entity = Pick(endpoint, version);
        return Results.Json(new
        {
            name,
            versions = endpoint.Entities.Keys,
            platform = "onnxruntime_onnx",
            inputs = entity.Graph.Inputs.Select(Describe),
            outputs = entity.Graph.Outputs.Select(Describe),
        });
    }

    private static async Task<IResult> ReadyAsync(string name, string? version, HttpContext http)
    {
        await http.RequireEndpointAsync(name, PermissionLevels.CanView);
        var live = http.RequestServices.GetRequiredService<LiveEndpoints>().Find(name);
        var ready = live is not null && (version is null || live.Entities.ContainsKey(version));
        if (live is null)
        {
            await EndpointResolver.LiveAsync(http, name);
        }

        return Results.Json(new { name, ready }, statusCode: ready ? 200 : 404);
    }

    private static async Task InferAsync(string name, string? version, HttpContext http)
    {
        var endpoint = await EndpointResolver.LiveAsync(http, name);
        if (http.Request.Headers.ContainsKey("Inference-Header-Content-Length"))
        {
            throw ModelplaneException.InvalidParameter("The binary tensor data extension (Inference-Header-Content-Length) is not supported; send the whole request as JSON.");
        }

        if (http.Request.ContentType is { } contentType
            && !(Microsoft.Net.Http.Headers.MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
                && mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)))
        {
            throw new ModelplaneException(ErrorCode.BadRequest, $"Content type '{contentType}' is not supported; send the inference request as application/json.", 415);
        }

        var max = http.RequestServices.GetRequiredService<IOptions<ModelplaneOptions>>().Value.MaxQueryBytes;
        var body = await RequestBodies.ReadLimitedAsync(http.Request, max);
        if (endpoint.Entities.Values.First() is not CustomModelRuntime)
        {
            throw NotTensors(name);
        }

        OipCodec.Request? request = null;
        var context = new InvocationContext
        {
            RequestId = http.TraceIdentifier,
            Caller = http.User,
            RawRequest = body,
            UsageContext = RequestBodies.UsageContext(http.Request),
            Decoder = () => (request = RequestBodies.ParseJson(body, OipCodec.Parse)).Payload,
            RequestedEntity = version,
        };
        var result = await endpoint.Pipeline.InvokeAsync(context, http.RequestAborted);
        http.Response.Headers["served-model-name"] = context.ServedEntityName;
        http.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(http.Response.Body, ResponseJson.WriterOptions);
        OipCodec.WriteResponse(writer, name, context.ServedEntityName, request!, result.Outputs); // Set: the router decoded it.
    }

    private static CustomModelRuntime Pick(EndpointRuntime endpoint, string? version)
    {
        var entity = version is null ? endpoint.Entities.Values.First()
            : endpoint.Entities.TryGetValue(version, out var named) ? named
            : throw ModelplaneException.NotFound($"Version '{version}' (served entity) does not exist in endpoint '{endpoint.Name}'.");
        return entity as CustomModelRuntime ?? throw NotTensors(endpoint.Name);
    }

    /// <summary>The 400 for an LLM endpoint reached through OIP v2.</summary>
    private static ModelplaneException NotTensors(string name) =>
        ModelplaneException.InvalidParameter($"Serving endpoint '{name}' serves an LLM; query it through the OpenAI routes (/serving-endpoints/chat/completions …) or /invocations.");

    /// <summary>One input or output; a ZipMap output (<c>seq(map(…))</c>) is declared as infer writes it: BYTES, one JSON object per row.</summary>
    private static object Describe(TensorSpec spec) => spec.SourceType?.StartsWith("seq(", StringComparison.Ordinal) == true
        ? new { name = spec.Name, datatype = TensorDataType.String.ToOipName(), shape = (long[])[-1] }
        : new { name = spec.Name, datatype = spec.DataType.ToOipName(), shape = spec.Shape ?? [-1] };
}
