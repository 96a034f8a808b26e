using Microsoft.AspNetCore.Http.Features;
using Modelplane.Core.Governance.Audit;
using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Storage;

namespace Modelplane.Server.Audit;

/// <summary>
/// Records the audit log (issue 6, part 4): every control-plane change (a request under <c>/api/</c> whose method is
/// not GET, HEAD or OPTIONS) and every denied request anywhere (401, 403, 429), as an <see cref="AuditEntity"/> queued on
/// <see cref="AuditLog"/>. The entry is made when the response starts (<see cref="HttpResponse.OnStarting(Func{Task})"/>),
/// so its status is the one the client sees, whichever later stage produced it (authentication's challenge, a
/// permission check's exception mapped by the error handler, a rate limiter), and it is queued before the client has
/// the answer; a response that never starts is recorded when the request completes. A control-plane change's body is
/// read (buffered, at most 64 KB + 1 byte) before the route runs and, when the change succeeds, stored redacted
/// (<see cref="AuditRedactor"/>). A refused change (any status of 400 or more) stores only a size note: its body may
/// carry a credential under a misspelt or unknown field name, which no name rule can recognise (the routes refuse
/// unknown fields, so an accepted body holds only known ones). Multipart and larger bodies always get a size note;
/// data-plane bodies are never read.
/// </summary>
public sealed class AuditMiddleware(RequestDelegate next, AuditLog log, TimeProvider time)
{
    private const int MaxPathLength = 2048;

    /// <summary>The note stored instead of a refused request's body.</summary>
    public const string RefusedBody = "body of a refused request";

    /// <summary>Runs the rest of the pipeline and records the request if it qualifies.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var change = IsControlPlaneChange(context.Request);
        var details = change ? await ReadDetailsAsync(context.Request) : null;
        var pending = new Pending(log, context, time.GetUtcNow().ToUnixTimeMilliseconds(), change, details);
        context.Response.OnStarting(Pending.RecordAsync, pending);
        context.Response.OnCompleted(Pending.RecordAsync, pending);
        await next(context);
    }

    /// <summary>Whether a request is a control-plane change: under <c>/api/</c> and not GET, HEAD or OPTIONS.</summary>
    public static bool IsControlPlaneChange(HttpRequest request) =>
        request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase)
        && !(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method));

    private static async Task<BodyDetails?> ReadDetailsAsync(HttpRequest request)
    {
        if (request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == false || request.ContentLength == 0)
        {
            return null;
        }

        if (request.ContentLength > AuditRedactor.MaxBodyBytes)
        {
            return BodyDetails.NoteOnly(AuditRedactor.Note(AuditRedactor.TooLarge, request.ContentLength, request.ContentType));
        }

        if (request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true)
        {
            return BodyDetails.NoteOnly(AuditRedactor.Note("multipart body", request.ContentLength, request.ContentType));
        }

        request.EnableBuffering();
        var buffer = new byte[AuditRedactor.MaxBodyBytes + 1];
        var length = 0;
        try
        {
            int read;
            while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted)) > 0)
            {
                length += read;
            }
        }
        catch (Exception e) when (e is IOException or BadHttpRequestException)
        {
            return BodyDetails.NoteOnly(AuditRedactor.Note("unreadable body", request.ContentLength, request.ContentType));
        }
        finally
        {
            request.Body.Position = 0;
        }

        var details = AuditRedactor.Details(buffer.AsSpan(0, length), complete: length <= AuditRedactor.MaxBodyBytes, request.ContentType);
        return details is null ? null : new BodyDetails(details, AuditRedactor.Note(RefusedBody, length, request.ContentType));
    }

    /// <summary>What an entry stores of a control-plane body: <paramref name="Success"/> when the change succeeded,
    /// <paramref name="Refused"/> (a size note) when it failed or was denied.</summary>
    private sealed record BodyDetails(string Success, string Refused)
    {
        public static BodyDetails NoteOnly(string note) => new(note, note);
    }

    /// <summary>One request's entry-to-be; recorded at most once, when the response starts or completes.</summary>
    private sealed class Pending(AuditLog log, HttpContext context, long time, bool change, BodyDetails? details)
    {
        public static readonly Func<object, Task> RecordAsync = state =>
        {
            ((Pending)state).Record();
            return Task.CompletedTask;
        };

        private int recorded;

        private void Record()
        {
            if (Interlocked.Exchange(ref recorded, 1) == 1)
            {
                return;
            }

            var status = context.Response.StatusCode;
            var result = AuditResults.Of(status);
            if (!change && result != AuditResults.Denied)
            {
                return;
            }

            var request = context.Request;
            var path = request.PathBase.Add(request.Path).Value ?? "/";
            var address = context.Connection.RemoteIpAddress;
            log.TryRecord(new AuditEntity
            {
                Time = time,
                Principal = CallerIdentity.FromClaims(context.User)?.Name,
                Method = request.Method,
                Path = path.Length > MaxPathLength ? path[..MaxPathLength] : path,
                StatusCode = status,
                Result = result,
                RequestId = context.TraceIdentifier,
                Details = result == AuditResults.Success ? details?.Success : details?.Refused,
                SourceIp = (address is { IsIPv4MappedToIPv6: true } ? address.MapToIPv4() : address)?.ToString(),
            });
        }
    }
}
