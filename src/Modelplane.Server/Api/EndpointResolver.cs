using Microsoft.EntityFrameworkCore;
using Modelplane.Abstractions;
using Modelplane.Core.Serving;
using Modelplane.Core.Storage;

namespace Modelplane.Server.Api;

/// <summary>Finds the live snapshot a data-plane request goes to.</summary>
public static class EndpointResolver
{
    /// <summary>The live snapshot of <paramref name="name"/>.</summary>
    /// <exception cref="ModelplaneException">404 when no such endpoint exists; 503 <c>TEMPORARILY_UNAVAILABLE</c> (with
    /// <c>Retry-After</c>) while it exists but has no live config yet.</exception>
    public static async Task<EndpointRuntime> LiveAsync(HttpContext context, string name)
    {
        if (context.RequestServices.GetRequiredService<LiveEndpoints>().Find(name) is { } live)
        {
            return live;
        }

        var db = context.RequestServices.GetRequiredService<ModelplaneDbContext>();
        return await db.Endpoints.AnyAsync(e => e.Name == name, context.RequestAborted)
            ? throw ModelplaneException.Unavailable($"Serving endpoint '{name}' is not ready yet; retry when state.ready is READY.", 5)
            : throw ModelplaneException.NotFound($"Serving endpoint '{name}' does not exist.");
    }
}
