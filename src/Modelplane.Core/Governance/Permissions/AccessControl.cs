using System.Text.Json.Serialization;

namespace Modelplane.Core.Governance.Permissions;

/// <summary>PUT/PATCH <c>/api/2.0/permissions/{type}/{id}</c> body (Databricks permissions API):
/// <c>{"access_control_list": [{"user_name" | "group_name" | "service_principal_name", "permission_level"}]}</c>.</summary>
/// <param name="AccessControlList">The entries; PUT with an empty list removes every direct grant.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AccessControlUpdate(IReadOnlyList<AccessControlRequest>? AccessControlList);

/// <summary>One entry of <see cref="AccessControlUpdate"/>: exactly one grantee name and a level of the object type.</summary>
/// <param name="UserName">A user's name (e-mail style).</param>
/// <param name="GroupName">A group's display name.</param>
/// <param name="ServicePrincipalName">A service principal's application id.</param>
/// <param name="PermissionLevel">E.g. <c>CAN_QUERY</c>.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AccessControlRequest(string? UserName, string? GroupName, string? ServicePrincipalName, string? PermissionLevel);

/// <summary>The permissions of one object: <c>{"object_id": "/serving-endpoints/&lt;id&gt;", "object_type":
/// "serving-endpoint", "access_control_list": [...]}</c>.</summary>
/// <param name="ObjectId">The object's path, e.g. <c>/serving-endpoints/3f…</c>.</param>
/// <param name="ObjectType"><c>serving-endpoint</c>, <c>registered-model</c> or <c>schema</c>.</param>
/// <param name="AccessControlList">One entry per grantee: direct grants, then the <c>admins</c> group.</param>
public sealed record ObjectPermissions(string ObjectId, string ObjectType, IReadOnlyList<AccessControlResponse> AccessControlList);

/// <summary>One grantee's permissions; exactly one of the three names is set.</summary>
/// <param name="UserName">A user's name.</param>
/// <param name="GroupName">A group's display name.</param>
/// <param name="ServicePrincipalName">A service principal's application id.</param>
/// <param name="DisplayName">The grantee's display name, when it has one.</param>
/// <param name="AllPermissions">Its levels on the object.</param>
public sealed record AccessControlResponse(
    string? UserName, string? GroupName, string? ServicePrincipalName, string? DisplayName, IReadOnlyList<GrantedPermission> AllPermissions);

/// <summary>A level held on the object.</summary>
/// <param name="PermissionLevel">The level.</param>
/// <param name="Inherited">False for a direct grant; true when it comes from a parent object.</param>
/// <param name="InheritedFromObject">The parent objects it comes from, e.g. <c>["/serving-endpoints/"]</c>; absent for direct grants.</param>
public sealed record GrantedPermission(string PermissionLevel, bool Inherited, IReadOnlyList<string>? InheritedFromObject);

/// <summary><c>GET .../permissionLevels</c>: <c>{"permission_levels": [{"permission_level", "description"}]}</c>, lowest first.</summary>
/// <param name="PermissionLevels">The levels.</param>
public sealed record PermissionLevelList(IReadOnlyList<PermissionLevelInfo> PermissionLevels);

/// <summary>A level and what it allows.</summary>
/// <param name="PermissionLevel">The level.</param>
/// <param name="Description">What it allows.</param>
public sealed record PermissionLevelInfo(string PermissionLevel, string Description);
