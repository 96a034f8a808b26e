namespace Modelplane.Client;

/// <summary>The object types of the permissions API (the path segment after <c>/api/2.0/permissions/</c>).</summary>
public static class PermissionObjectTypes
{
    /// <summary>Serving endpoints (CAN_VIEW, CAN_QUERY, CAN_MANAGE), by endpoint id.</summary>
    public const string ServingEndpoints = "serving-endpoints";

    /// <summary>Registered models (CAN_READ, CAN_EDIT, CAN_MANAGE), by full name.</summary>
    public const string RegisteredModels = "registered-models";

    /// <summary>Schemas (CAN_CREATE_MODEL, CAN_MANAGE), by <c>catalog.schema</c>.</summary>
    public const string Schemas = "schemas";

    /// <summary>All three.</summary>
    public static readonly IReadOnlyList<string> All = [ServingEndpoints, RegisteredModels, Schemas];
}

/// <summary>One grant to set: exactly one of the three names, and a level of the object type.</summary>
public sealed record AccessControlEntry
{
    /// <summary>A user's name.</summary>
    public string? UserName { get; init; }

    /// <summary>A group's display name.</summary>
    public string? GroupName { get; init; }

    /// <summary>A service principal's application id.</summary>
    public string? ServicePrincipalName { get; init; }

    /// <summary>E.g. <c>CAN_QUERY</c>.</summary>
    public string? PermissionLevel { get; init; }
}

/// <summary>An object's permissions: <c>{"object_id", "object_type", "access_control_list"}</c>.</summary>
public sealed record ObjectPermissions
{
    /// <summary>E.g. <c>/serving-endpoints/3f…</c>.</summary>
    public string? ObjectId { get; init; }

    /// <summary><c>serving-endpoint</c>, <c>registered-model</c> or <c>schema</c>.</summary>
    public string? ObjectType { get; init; }

    /// <summary>One entry per grantee.</summary>
    public List<AccessControlResponse>? AccessControlList { get; init; }
}

/// <summary>One grantee's permissions on an object.</summary>
public sealed record AccessControlResponse
{
    /// <summary>A user's name.</summary>
    public string? UserName { get; init; }

    /// <summary>A group's display name.</summary>
    public string? GroupName { get; init; }

    /// <summary>A service principal's application id.</summary>
    public string? ServicePrincipalName { get; init; }

    /// <summary>Display name, when set.</summary>
    public string? DisplayName { get; init; }

    /// <summary>The levels it holds.</summary>
    public List<GrantedPermission>? AllPermissions { get; init; }

    /// <summary>Whichever name is set.</summary>
    public string? Principal => UserName ?? GroupName ?? ServicePrincipalName;
}

/// <summary>A level held, directly (<c>inherited: false</c>) or from a parent object.</summary>
public sealed record GrantedPermission
{
    /// <summary>The level.</summary>
    public string? PermissionLevel { get; init; }

    /// <summary>True when it comes from a parent object.</summary>
    public bool Inherited { get; init; }

    /// <summary>The parent objects, e.g. <c>["/serving-endpoints/"]</c>.</summary>
    public List<string>? InheritedFromObject { get; init; }
}

/// <summary>A level and what it allows.</summary>
public sealed record PermissionLevelInfo
{
    /// <summary>The level.</summary>
    public string? PermissionLevel { get; init; }

    /// <summary>What it allows.</summary>
    public string? Description { get; init; }
}

/// <summary>A secret scope ACL: <c>{"principal", "permission"}</c>.</summary>
public sealed record SecretAcl
{
    /// <summary>User name, group name or service principal application id.</summary>
    public string? Principal { get; init; }

    /// <summary><c>READ</c>, <c>WRITE</c> or <c>MANAGE</c>.</summary>
    public string? Permission { get; init; }
}

/// <summary>PUT/PATCH body: <c>{"access_control_list": [...]}</c>.</summary>
internal sealed record AccessControlBody(List<AccessControlEntry> AccessControlList);

/// <summary><c>{"permission_levels": [...]}</c>.</summary>
internal sealed record PermissionLevelList(List<PermissionLevelInfo>? PermissionLevels);

/// <summary><c>{"items": [...]}</c>.</summary>
internal sealed record SecretAclList(List<SecretAcl>? Items);

/// <summary>Body of <c>acls/put</c> (<c>permission</c> set) and <c>acls/delete</c> (no permission).</summary>
internal sealed record SecretAclBody(string Scope, string Principal, string? Permission);
