using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modelplane.Server.Api;

/// <summary>SCIM 2.0 schema URNs (RFC 7643, RFC 7644) as Databricks' SCIM API writes them.</summary>
public static class ScimSchemas
{
    /// <summary>A user resource.</summary>
    public const string User = "urn:ietf:params:scim:schemas:core:2.0:User";

    /// <summary>A group resource.</summary>
    public const string Group = "urn:ietf:params:scim:schemas:core:2.0:Group";

    /// <summary>A service principal resource (Databricks' own schema).</summary>
    public const string ServicePrincipal = "urn:ietf:params:scim:schemas:core:2.0:ServicePrincipal";

    /// <summary>A list answer.</summary>
    public const string ListResponse = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

    /// <summary>A PATCH request.</summary>
    public const string PatchOp = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
}

/// <summary>A multi-valued attribute entry: <c>{"value", "display"?, "type"?, "primary"?, "$ref"?}</c> (emails, groups, members).</summary>
/// <param name="Value">An e-mail address, or a member's or group's id.</param>
/// <param name="Display">A human-readable name (answers only; ignored in requests).</param>
/// <param name="Type">E.g. <c>work</c> for an e-mail, <c>direct</c> for a group membership.</param>
/// <param name="Primary">For e-mails: the primary address.</param>
/// <param name="Ref">A relative URI of the referenced resource, e.g. <c>Users/&lt;id&gt;</c>.</param>
public sealed record ScimValue(
    string? Value,
    string? Display = null,
    string? Type = null,
    bool? Primary = null,
    [property: JsonPropertyName("$ref")] string? Ref = null);

/// <summary>
/// A SCIM user (<c>/api/2.0/preview/scim/v2/Users</c>): <c>{"schemas", "id", "userName", "displayName", "active",
/// "emails", "groups", "externalId"}</c>. In requests <c>id</c> and <c>groups</c> are read-only and ignored, as are
/// attributes this node does not keep (<c>name</c>, <c>entitlements</c>, <c>roles</c>; RFC 7643 §2.2).
/// <c>emails</c> are answered from <c>userName</c> (one primary work address).
/// </summary>
public sealed record ScimUser
{
    /// <summary>Schema URNs; optional in requests.</summary>
    public IReadOnlyList<string>? Schemas { get; init; }

    /// <summary>Server-generated id.</summary>
    public string? Id { get; init; }

    /// <summary>Unique, case-insensitive user name (usually an e-mail address). Required.</summary>
    public string? UserName { get; init; }

    /// <summary>Display name.</summary>
    public string? DisplayName { get; init; }

    /// <summary>False: the user's tokens are refused (401). Default true.</summary>
    public bool? Active { get; init; }

    /// <summary>E-mail addresses.</summary>
    public IReadOnlyList<ScimValue>? Emails { get; init; }

    /// <summary>Direct group memberships <c>[{value: group id, display: group name, type: "direct"}]</c>; read-only.</summary>
    public IReadOnlyList<ScimValue>? Groups { get; init; }

    /// <summary>The identity provider's id for the user.</summary>
    public string? ExternalId { get; init; }
}

/// <summary>
/// A SCIM service principal (<c>/api/2.0/preview/scim/v2/ServicePrincipals</c>): <c>{"schemas", "id",
/// "applicationId", "displayName", "active", "groups", "externalId"}</c>. The node generates <c>applicationId</c> (a
/// GUID) when a create leaves it out; tokens for it are minted by admins (on-behalf-of tokens).
/// </summary>
public sealed record ScimServicePrincipal
{
    /// <summary>Schema URNs; optional in requests.</summary>
    public IReadOnlyList<string>? Schemas { get; init; }

    /// <summary>Server-generated id.</summary>
    public string? Id { get; init; }

    /// <summary>The application id (a GUID): the name rate limits, grants and usage rows know it by.</summary>
    public string? ApplicationId { get; init; }

    /// <summary>Display name.</summary>
    public string? DisplayName { get; init; }

    /// <summary>False: its tokens are refused (401). Default true.</summary>
    public bool? Active { get; init; }

    /// <summary>Direct group memberships; read-only.</summary>
    public IReadOnlyList<ScimValue>? Groups { get; init; }

    /// <summary>The identity provider's id.</summary>
    public string? ExternalId { get; init; }
}

/// <summary>
/// A SCIM group (<c>/api/2.0/preview/scim/v2/Groups</c>): <c>{"schemas", "id", "displayName", "members":
/// [{"value": id, "display", "$ref"}], "externalId"}</c>. Members are users, service principals or groups (nesting).
/// </summary>
public sealed record ScimGroup
{
    /// <summary>Schema URNs; optional in requests.</summary>
    public IReadOnlyList<string>? Schemas { get; init; }

    /// <summary>Server-generated id.</summary>
    public string? Id { get; init; }

    /// <summary>Unique group name. Required.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Direct members by id (<c>display</c> is answered, ignored in requests).</summary>
    public IReadOnlyList<ScimValue>? Members { get; init; }

    /// <summary>The identity provider's id for the group.</summary>
    public string? ExternalId { get; init; }
}

/// <summary>A SCIM list answer: <c>{"schemas", "totalResults", "startIndex", "itemsPerPage", "Resources"}</c>.</summary>
/// <typeparam name="T">The resource type.</typeparam>
/// <param name="TotalResults">How many resources match the filter, over all pages.</param>
/// <param name="StartIndex">1-based index of the first resource in this page.</param>
/// <param name="ItemsPerPage">How many resources this page holds.</param>
/// <param name="Resources">The page.</param>
public sealed record ScimListResponse<T>(int TotalResults, int StartIndex, int ItemsPerPage, [property: JsonPropertyName("Resources")] IReadOnlyList<T> Resources)
{
    /// <summary>Always the ListResponse URN.</summary>
    [JsonPropertyOrder(-1)]
    public IReadOnlyList<string> Schemas { get; } = [ScimSchemas.ListResponse];
}

/// <summary>A SCIM PATCH body (RFC 7644 §3.5.2): <c>{"schemas"?, "Operations": [{"op", "path"?, "value"?}]}</c>.</summary>
public sealed record ScimPatchRequest
{
    /// <summary>Schema URNs; optional.</summary>
    public IReadOnlyList<string>? Schemas { get; init; }

    /// <summary>The operations, applied in order; all or none take effect.</summary>
    [JsonPropertyName("Operations")]
    public IReadOnlyList<ScimPatchOperation>? Operations { get; init; }
}

/// <summary>One PATCH operation: <c>op</c> is <c>add</c>, <c>remove</c> or <c>replace</c> (any case).</summary>
/// <param name="Op">The operation.</param>
/// <param name="Path">The attribute, e.g. <c>members</c>, <c>members[value eq "id"]</c>, <c>active</c>; absent: <c>value</c> is an object of attributes.</param>
/// <param name="Value">The new value(s).</param>
public sealed record ScimPatchOperation(string? Op, string? Path, JsonElement? Value);
