namespace Modelplane.Core.Storage;

/// <summary>A SCIM group; members are principals or other groups (nesting).</summary>
public sealed class GroupEntity
{
    /// <summary>Stable id.</summary>
    public required string Id { get; set; }
    /// <summary>Unique display name (<c>admins</c> is the workspace admins group).</summary>
    public required string DisplayName { get; set; }
    /// <summary>SCIM <c>externalId</c>.</summary>
    public string? ExternalId { get; set; }
    /// <summary>Unix milliseconds.</summary>
    public long CreatedAt { get; set; }
}

/// <summary>A direct membership: a principal or a group in a group.</summary>
public sealed class GroupMemberEntity
{
    /// <summary>The group.</summary>
    public required string GroupId { get; set; }
    /// <summary>A principal id or a group id.</summary>
    public required string MemberId { get; set; }
}

/// <summary>
/// A direct permission grant on one object (databricks permissions API). Levels: serving endpoints <c>CAN_VIEW</c>,
/// <c>CAN_QUERY</c>, <c>CAN_MANAGE</c>; registered models <c>CAN_READ</c>, <c>CAN_EDIT</c>, <c>CAN_MANAGE</c>; schemas
/// <c>CAN_CREATE_MODEL</c>; secret scopes <c>READ</c>, <c>WRITE</c>, <c>MANAGE</c>.
/// </summary>
public sealed class PermissionGrantEntity
{
    /// <summary><c>serving-endpoints</c>, <c>registered-models</c>, <c>schemas</c> or <c>secret-scopes</c>.</summary>
    public required string ObjectType { get; set; }
    /// <summary>Endpoint id, model full name, schema full name or scope name.</summary>
    public required string ObjectId { get; set; }
    /// <summary>A principal id or a group id.</summary>
    public required string GranteeId { get; set; }
    /// <summary>The level.</summary>
    public required string Level { get; set; }
}

/// <summary>One audit log entry: a control-plane change or a denied request.</summary>
public sealed class AuditEntity
{
    /// <summary>Increasing id.</summary>
    public long Id { get; set; }
    /// <summary>Unix milliseconds.</summary>
    public long Time { get; set; }
    /// <summary>The caller's name, or null when unauthenticated.</summary>
    public string? Principal { get; set; }
    /// <summary>HTTP method.</summary>
    public required string Method { get; set; }
    /// <summary>Request path.</summary>
    public required string Path { get; set; }
    /// <summary>Response status code.</summary>
    public int StatusCode { get; set; }
    /// <summary><c>success</c>, <c>denied</c> (401/403/429) or <c>failed</c>.</summary>
    public required string Result { get; set; }
    /// <summary>The request id (<c>x-request-id</c>).</summary>
    public string? RequestId { get; set; }
    /// <summary>The request body as JSON with credential fields redacted, or null.</summary>
    public string? Details { get; set; }
    /// <summary>Client address.</summary>
    public string? SourceIp { get; set; }
}
