using System.Text.Json.Serialization;

namespace Modelplane.Client;

/// <summary>A SCIM multi-valued entry: <c>{"value", "display"?, "type"?, "primary"?, "$ref"?}</c> (emails, groups, members).</summary>
public sealed record ScimValue
{
    /// <summary>An e-mail address, or a member's or group's id.</summary>
    public string? Value { get; init; }

    /// <summary>A human-readable name (answers only).</summary>
    public string? Display { get; init; }

    /// <summary>E.g. <c>work</c> or <c>direct</c>.</summary>
    public string? Type { get; init; }

    /// <summary>For e-mails: the primary address.</summary>
    public bool? Primary { get; init; }

    /// <summary>The referenced resource, e.g. <c>Users/&lt;id&gt;</c>, <c>ServicePrincipals/&lt;id&gt;</c>, <c>Groups/&lt;id&gt;</c>.</summary>
    [JsonPropertyName("$ref")]
    public string? Ref { get; init; }
}

/// <summary>
/// A SCIM user (<c>/api/2.0/preview/scim/v2/Users</c>, and <c>/Me</c>): <c>{"id", "userName", "displayName",
/// "active", "emails", "groups", "externalId"}</c>. <see cref="ApplicationId"/> is set instead of
/// <see cref="UserName"/> when <c>/Me</c> answers for a service principal.
/// </summary>
public sealed record ScimUser
{
    /// <summary>Schema URNs.</summary>
    public IReadOnlyList<string>? Schemas { get; init; }

    /// <summary>Server-generated id.</summary>
    public string? Id { get; init; }

    /// <summary>Unique, case-insensitive user name (usually an e-mail address).</summary>
    public string? UserName { get; init; }

    /// <summary>For a service principal answering <c>/Me</c>: its application id.</summary>
    public string? ApplicationId { get; init; }

    /// <summary>Display name.</summary>
    public string? DisplayName { get; init; }

    /// <summary>False: the principal's tokens are refused.</summary>
    public bool? Active { get; init; }

    /// <summary>E-mail addresses.</summary>
    public IReadOnlyList<ScimValue>? Emails { get; init; }

    /// <summary>Direct groups <c>[{value: id, display: name}]</c> (read-only).</summary>
    public IReadOnlyList<ScimValue>? Groups { get; init; }

    /// <summary>The identity provider's id.</summary>
    public string? ExternalId { get; init; }
}

/// <summary>A SCIM service principal: <c>{"id", "applicationId", "displayName", "active", "groups", "externalId"}</c>.</summary>
public sealed record ScimServicePrincipal
{
    /// <summary>Schema URNs.</summary>
    public IReadOnlyList<string>? Schemas { get; init; }

    /// <summary>Server-generated id.</summary>
    public string? Id { get; init; }

    /// <summary>The application id (a GUID the node generates).</summary>
    public string? ApplicationId { get; init; }

    /// <summary>Display name.</summary>
    public string? DisplayName { get; init; }

    /// <summary>False: its tokens are refused.</summary>
    public bool? Active { get; init; }

    /// <summary>Direct groups (read-only).</summary>
    public IReadOnlyList<ScimValue>? Groups { get; init; }

    /// <summary>The identity provider's id.</summary>
    public string? ExternalId { get; init; }
}

/// <summary>A SCIM group: <c>{"id", "displayName", "members": [{"value": id, "display", "$ref"}], "externalId"}</c>.</summary>
public sealed record ScimGroup
{
    /// <summary>Schema URNs.</summary>
    public IReadOnlyList<string>? Schemas { get; init; }

    /// <summary>Server-generated id.</summary>
    public string? Id { get; init; }

    /// <summary>Unique name.</summary>
    public string? DisplayName { get; init; }

    /// <summary>Direct members: users, service principals or groups.</summary>
    public IReadOnlyList<ScimValue>? Members { get; init; }

    /// <summary>The identity provider's id.</summary>
    public string? ExternalId { get; init; }
}

/// <summary>A SCIM list answer: <c>{"totalResults", "startIndex", "itemsPerPage", "Resources"}</c>.</summary>
/// <typeparam name="T">The resource type.</typeparam>
public sealed record ScimList<T>
{
    /// <summary>Matching resources over all pages.</summary>
    public int TotalResults { get; init; }

    /// <summary>1-based index of the page's first resource.</summary>
    public int StartIndex { get; init; }

    /// <summary>Resources in this page.</summary>
    public int ItemsPerPage { get; init; }

    /// <summary>The page.</summary>
    [JsonPropertyName("Resources")]
    public IReadOnlyList<T>? Resources { get; init; }
}

/// <summary>A SCIM PATCH body: <c>{"schemas": [PatchOp], "Operations": [...]}</c>.</summary>
internal sealed record ScimPatchBody(
    IReadOnlyList<string> Schemas,
    [property: JsonPropertyName("Operations")] IReadOnlyList<ScimPatchOperation> Operations);

/// <summary>One PATCH operation.</summary>
internal sealed record ScimPatchOperation(string Op, string? Path, object? Value);
