using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;
using Modelplane.Core;

namespace Modelplane.Server.Api;

/// <summary>
/// Reads request bodies with Modelplane's rules: a size limit checked before and while reading (413
/// <c>REQUEST_LIMIT_EXCEEDED</c> without buffering an oversized body), JSON errors as 400 naming the path at fault.
/// </summary>
public static class RequestBodies
{
    /// <summary>The header that carries a <c>usage_context</c> for any payload family (a JSON object of strings).</summary>
    public const string UsageContextHeader = Modelplane.Sql.Ai.ServingCaller.UsageContextHeader;

    /// <summary>
    /// Reads <see cref="UsageContextHeader"/>: a JSON object whose values are strings, at most 4 KiB (Modelplane extension;
    /// SQL's AI functions send <c>{"statement_id": "…"}</c>). Null when absent.
    /// </summary>
    /// <param name="request">The request.</param>
    /// <exception cref="ModelplaneException">400 naming the header when it is not such an object.</exception>
    public static IReadOnlyDictionary<string, string>? UsageContext(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.Headers.TryGetValue(UsageContextHeader, out var values) || values.ToString() is not { Length: > 0 } text)
        {
            return null;
        }

        try
        {
            if (text.Length <= 4096 && JsonSerializer.Deserialize<Dictionary<string, string>>(text) is { } map)
            {
                return map;
            }
        }
        catch (JsonException)
        {
        }

        throw new ModelplaneException(ErrorCode.InvalidParameterValue, $"Header '{UsageContextHeader}' must be a JSON object of string values of at most 4096 characters.")
        {
            Param = UsageContextHeader,
        };
    }

    /// <summary>Reads and deserializes a control-API JSON body (snake_case).</summary>
    /// <exception cref="ModelplaneException">400 when the body is missing, not JSON or has a field of the wrong type.</exception>
    /// <param name="request">The request.</param>
    /// <param name="options">Serializer options; null for the node's snake_case HTTP JSON options.</param>
    public static async Task<T> ReadJsonAsync<T>(HttpRequest request, JsonSerializerOptions? options = null)
    {
        var max = request.HttpContext.RequestServices.GetRequiredService<IOptions<ModelplaneOptions>>().Value.MaxQueryBytes;
        var body = await ReadLimitedAsync(request, max);
        if (body.Length == 0)
        {
            throw ModelplaneException.BadRequest("A JSON request body is required.");
        }

        options ??= request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        try
        {
            return JsonSerializer.Deserialize<T>(body.Span, options) ?? throw ModelplaneException.BadRequest("The request body must be a JSON object.");
        }
        catch (JsonException ex)
        {
            throw ModelplaneException.InvalidParameter(Describe(ex));
        }
    }

    /// <summary>A deserialization failure in the caller's terms: the field's JSON path and what was wrong with it.</summary>
    internal static string Describe(JsonException ex)
    {
        var path = ex.Path ?? "$";
        var reason = ex.Message.Split('\n')[0].Split(" Path:")[0];
        if (reason.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            var field = reason.Split('\'') is { Length: > 2 } parts ? parts[1] : "?";
            return $"Unknown field '{field}' at '{path}': check its spelling; this node does not accept fields it would ignore.";
        }

        if (reason.StartsWith("The JSON value could not be converted to ", StringComparison.Ordinal))
        {
            var type = reason["The JSON value could not be converted to ".Length..].TrimEnd('.');
            return $"Invalid request body at '{path}': expected {Expected(type)}.";
        }

        return $"Invalid request body at '{path}': {reason}";
    }

    private static string Expected(string clrType) => clrType switch
    {
        _ when clrType.Contains("Int32", StringComparison.Ordinal) || clrType.Contains("Int64", StringComparison.Ordinal) => "an integer",
        _ when clrType.Contains("Boolean", StringComparison.Ordinal) => "true or false",
        _ when clrType.Contains("Double", StringComparison.Ordinal) => "a number",
        _ when clrType.Contains("System.String", StringComparison.Ordinal) && !clrType.Contains("Dictionary", StringComparison.Ordinal) => "a string",
        _ when clrType.Contains("List", StringComparison.Ordinal) => "an array",
        _ => "an object",
    };

    /// <summary>Reads the whole body, refusing more than <paramref name="maxBytes"/>.</summary>
    /// <exception cref="ModelplaneException">413 <c>REQUEST_LIMIT_EXCEEDED</c>.</exception>
    public static async Task<ReadOnlyMemory<byte>> ReadLimitedAsync(HttpRequest request, long maxBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            throw TooLarge(maxBytes);
        }

        var buffer = new MemoryStream(request.ContentLength is { } n ? (int)n : 4096);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw TooLarge(maxBytes);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
    }

    /// <summary>Parses a JSON body and reads it with <paramref name="read"/>; malformed JSON is 400 <c>BAD_REQUEST</c>
    /// saying where (1-based line and byte) and why.</summary>
    public static T ParseJson<T>(ReadOnlyMemory<byte> body, Func<JsonElement, T> read)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            return read(doc.RootElement);
        }
        catch (JsonException ex)
        {
            var reason = ex.Message.Split([" Path:", " LineNumber:"], StringSplitOptions.None)[0].TrimEnd('.', ' ');
            var where = ex.LineNumber is { } line ? $" at line {line + 1}, byte {(ex.BytePositionInLine ?? 0) + 1}" : "";
            throw ModelplaneException.BadRequest($"The request body is not valid JSON{where}: {reason}.");
        }
    }

    /// <summary>The caller's principal name.</summary>
    public static string? Caller(this HttpContext context) => context.User.Identity?.Name;

    /// <summary>The authenticated caller (every route but health and OpenAPI requires one).</summary>
    /// <exception cref="ModelplaneException">401 when the request is unauthenticated.</exception>
    public static Core.Governance.Identity.CallerIdentity CallerIdentity(this HttpContext context) =>
        Core.Governance.Identity.CallerIdentity.FromClaims(context.User)
        ?? throw new ModelplaneException(ErrorCode.Unauthenticated, "Authentication is required: send 'Authorization: Bearer <token>'.");

    private static ModelplaneException TooLarge(long max) =>
        new(ErrorCode.RequestLimitExceeded, $"The request body is larger than the {max / (1024 * 1024)} MB this route accepts.", 413);
}
