namespace Modelplane.Server.Hosting;

/// <summary>
/// Gives every request an id, answered as <c>x-request-id</c> (and written later to usage and inference tables). A
/// client's own <c>x-request-id</c> of up to 128 letters, digits, <c>-</c>, <c>_</c> or <c>.</c> is kept; otherwise
/// one is generated. Every answer carries it, errors included.
/// </summary>
public static class RequestIdMiddleware
{
    /// <summary>The header name.</summary>
    public const string Header = "x-request-id";

    /// <summary>Adds the middleware.</summary>
    public static IApplicationBuilder UseRequestId(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        string? given = context.Request.Headers[Header];
        var id = given is { Length: > 0 and <= 128 } && given.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')
            ? given : Guid.NewGuid().ToString();
        context.TraceIdentifier = id;
        // Set as the response starts, so an error answer (which the exception handler writes on a cleared response) has it too.
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[Header] = id;
            return Task.CompletedTask;
        });
        await next(context);
    });
}
