using System.Text.Json;
using Microsoft.Extensions.Configuration.Memory;
using Modelplane.Abstractions;
using Modelplane.Core;
using Modelplane.Core.Governance.Audit;
using Modelplane.Runtimes.Onnx;
using Modelplane.Server.Api;
using Modelplane.Server.Audit;
using Modelplane.Server.Auth;
using Modelplane.Server.Errors;
using Modelplane.Server.Metrics;
using Modelplane.Server.Sql;
using Modelplane.Server.Telemetry;

namespace Modelplane.Server.Hosting;

/// <summary>
/// Composes a Modelplane node (DESIGN.md §1): Kestrel (HTTPS per <see cref="NodeTls"/>) → error mapper → HSTS → request id →
/// audit → authentication → routing onto the
/// control API, the registry, the data APIs (MLflow scoring, OIP v2) and health. Read top to bottom, it is the node.
/// </summary>
public static class ModelplaneNode
{
    /// <summary>Builds a node that listens on Host:Port, HTTPS when configured (<see cref="NodeTls"/>); the caller runs it.</summary>
    /// <exception cref="InvalidOperationException">TLS or bind settings are refused (the message names the flag).</exception>
    public static WebApplication Build(NodeOptions options)
    {
        var builder = CreateBuilder(options);
        NodeTls.Listen(builder, options);
        return Build(builder);
    }

    /// <summary>The builder with all services; tests swap the server (TestServer) before <see cref="Build(WebApplicationBuilder)"/>.</summary>
    public static WebApplicationBuilder CreateBuilder(NodeOptions options)
    {
        var builder = WebApplication.CreateBuilder(options.Args);

        // Defaults that any appsettings, MODELPLANE__/Logging__ variable or argument overrides: no log line per request.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Logging:LogLevel:Microsoft.EntityFrameworkCore"] = "Warning",
                ["Logging:LogLevel:System.Net.Http.HttpClient"] = "Warning",
                ["Logging:LogLevel:Polly"] = "Error",
            },
        });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Modelplane:DataDir"] = options.DataDir });
        builder.Configuration.AddCommandLine(options.Args);
        builder.Services.AddModelplaneCore(builder.Configuration);
        builder.Services.AddModelplaneAudit(builder.Configuration);
        builder.Services.AddOnnxRuntime();
        builder.Services.AddSingleton<Core.Governance.Guardrails.ITextEmbedder, Guardrails.LocalTextEmbedder>();
        builder.Services.AddModelplaneMetrics();
        builder.Services.AddSqlStatements(builder.Configuration);
        builder.AddModelplaneTelemetry();
        builder.Services.AddExceptionHandler<ModelplaneExceptionHandler>();
        builder.Services.AddProblemDetails();
        builder.Services.AddModelplaneAuthentication(builder.Configuration);
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        builder.Services.ConfigureHttpJsonOptions(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
            o.SerializerOptions.Encoder = ResponseJson.Encoder;
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
        });
        builder.Services.AddOpenApi();
        return builder;
    }

    /// <summary>Builds the app and its request pipeline.</summary>
    public static WebApplication Build(WebApplicationBuilder builder)
    {
        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages(async status =>
        {
            var request = status.HttpContext.Request;
            await ErrorResponses.WriteAsync(status.HttpContext, status.HttpContext.Response.StatusCode switch
            {
                405 => new ModelplaneException(ErrorCode.BadRequest, $"Method {request.Method} is not allowed on {request.Path}.", 405),
                415 => new ModelplaneException(ErrorCode.BadRequest, $"Content type '{request.ContentType}' is not supported on {request.Path}.", 415),
                404 => ModelplaneException.NotFound($"No API route matches {request.Method} {request.Path}."),
                var other => new ModelplaneException(ErrorCode.BadRequest, $"{request.Method} {request.Path} failed with status {other}.", other),
            });
        });
        app.UseNodeHsts();
        app.UseRequestId();
        app.UseMiddleware<AuditMiddleware>();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapHealthApi();
        app.MapRegistryApi();
        app.MapServingEndpointsApi();
        app.MapAiGatewayApi();
        app.MapInvocationsApi();
        app.MapOpenAiApi();
        app.MapOipApi();
        app.MapMetricsApi();
        app.MapSecretsApi();
        app.MapSecretAclsApi();
        app.MapPermissionsApi();
        app.MapTokensApi();
        app.MapTokenManagementApi();
        app.MapScimApi();
        app.MapAuditApi();
        app.MapTablesApi();
        app.MapSqlStatementsApi();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        return app;
    }
}
