using System.Text.Json;
using System.Text.RegularExpressions;
using Modelplane.Abstractions;
using Modelplane.Core.Governance.Identity;

namespace Modelplane.Server.Api;

/// <summary>
/// Applies a SCIM PatchOp (RFC 7644 §3.5.2) to a principal's or group's current state, giving the new state that a
/// replace then validates and stores (so a PATCH is all or nothing). <c>op</c> is <c>add</c>, <c>remove</c> or
/// <c>replace</c> in any case. Principal paths: <c>active</c>, <c>displayName</c>, <c>externalId</c>, and
/// <c>userName</c> for users. Group paths: <c>displayName</c>, <c>externalId</c>, <c>members</c> (add: these ids;
/// replace: exactly these; remove: these, or all without a value) and <c>members[value eq "id"]</c> (remove). Without
/// a path, <c>value</c> is an object of such attributes. Anything else is 400 naming <c>Operations[i]</c>.
/// </summary>
public static partial class ScimPatch
{
    /// <summary>The principal after the operations.</summary>
    public static PrincipalDraft Apply(PrincipalDraft draft, ScimPatchRequest patch, bool isUser)
    {
        foreach (var (op, path, value, at) in Expand(patch))
        {
            draft = path.ToLowerInvariant() switch
            {
                "active" when op != "remove" => draft with { Active = Bool(value, at) },
                "displayname" => draft with { DisplayName = op == "remove" ? null : Text(value, at) },
                "externalid" => draft with { ExternalId = op == "remove" ? null : Text(value, at) },
                "username" when isUser && op != "remove" => draft with { Name = Text(value, at) ?? "" },
                _ => throw Unsupported(at, path, isUser ? "active, displayName, externalId, userName" : "active, displayName, externalId"),
            };
        }

        return draft;
    }

    /// <summary>The group after the operations.</summary>
    public static GroupDraft Apply(GroupDraft draft, ScimPatchRequest patch)
    {
        foreach (var (op, path, value, at) in Expand(patch))
        {
            var members = draft.MemberIds.ToList();
            var filtered = MemberFilter().Match(path);
            switch (path.ToLowerInvariant())
            {
                case "displayname" when op != "remove":
                    draft = draft with { DisplayName = Text(value, at) ?? "" };
                    break;
                case "externalid":
                    draft = draft with { ExternalId = op == "remove" ? null : Text(value, at) };
                    break;
                case "members" when op == "add":
                    draft = draft with { MemberIds = [.. members.Union(Ids(value, at), StringComparer.Ordinal)] };
                    break;
                case "members" when op == "replace":
                    draft = draft with { MemberIds = Ids(value, at) };
                    break;
                case "members":
                    var removed = value is null ? members : Ids(value, at);
                    draft = draft with { MemberIds = [.. members.Except(removed, StringComparer.Ordinal)] };
                    break;
                case var _ when filtered.Success && op == "remove":
                    var id = filtered.Groups["id"].Value;
                    draft = draft with { MemberIds = [.. members.Where(m => m != id)] };
                    break;
                default:
                    throw Unsupported(at, path, "displayName, externalId, members, members[value eq \"id\"] (remove)");
            }
        }

        return draft;
    }

    /// <summary>Each operation as (op, path, value, "Operations[i]"), a path-less one expanded to one per attribute.</summary>
    private static IEnumerable<(string Op, string Path, JsonElement? Value, string At)> Expand(ScimPatchRequest patch)
    {
        if (patch.Operations is not { Count: > 0 } operations)
        {
            throw ModelplaneException.InvalidParameter("Operations is required: a list of {\"op\", \"path\"?, \"value\"?}.");
        }

        for (var i = 0; i < operations.Count; i++)
        {
            var o = operations[i];
            var at = $"Operations[{i}]";
            var op = o.Op?.ToLowerInvariant();
            if (op is not ("add" or "remove" or "replace"))
            {
                throw ModelplaneException.InvalidParameter($"{at}.op must be add, remove or replace (got '{o.Op}').");
            }

            var value = o.Value is { ValueKind: not (JsonValueKind.Null or JsonValueKind.Undefined) } v ? v : (JsonElement?)null;
            if (!string.IsNullOrWhiteSpace(o.Path))
            {
                yield return (op, o.Path.Trim(), value, at);
                continue;
            }

            if (op == "remove" || value is not { ValueKind: JsonValueKind.Object } obj)
            {
                throw ModelplaneException.InvalidParameter($"{at}: without a path, op must be add or replace and value an object of attributes.");
            }

            foreach (var property in obj.EnumerateObject())
            {
                yield return (op, property.Name, property.Value, at);
            }
        }
    }

    private static bool Bool(JsonElement? value, string at) => value switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        { ValueKind: JsonValueKind.String } s when bool.TryParse(s.GetString(), out var b) => b,
        _ => throw ModelplaneException.InvalidParameter($"{at}.value for active must be true or false."),
    };

    private static string? Text(JsonElement? value, string at) => value switch
    {
        null => null,
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        _ => throw ModelplaneException.InvalidParameter($"{at}.value must be a string."),
    };

    private static List<string> Ids(JsonElement? value, string at)
    {
        var items = value switch
        {
            { ValueKind: JsonValueKind.Array } a => a.EnumerateArray().ToList(),
            { ValueKind: JsonValueKind.Object } o => [o],
            _ => throw ModelplaneException.InvalidParameter($"{at}.value for members must be a list of {{\"value\": id}}."),
        };
        return [.. items.Select(e => e.ValueKind == JsonValueKind.Object && e.TryGetProperty("value", out var id) && id.ValueKind == JsonValueKind.String
            ? id.GetString()!
            : throw ModelplaneException.InvalidParameter($"{at}.value for members must be a list of {{\"value\": id}}."))];
    }

    private static ModelplaneException Unsupported(string at, string path, string supported) =>
        ModelplaneException.InvalidParameter($"{at}.path '{path}' is not supported here; supported: {supported}.");

    [GeneratedRegex("""^members\[\s*value\s+eq\s+"(?<id>[^"]*)"\s*\]$""", RegexOptions.IgnoreCase)]
    private static partial Regex MemberFilter();
}
