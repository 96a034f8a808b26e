using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modelplane.Client;

/// <summary>
/// SCIM 2.0 with Databricks' paths (<c>/api/2.0/preview/scim/v2/{Users,ServicePrincipals,Groups,Me}</c>): camelCase
/// bodies, unlike the rest of the API. Reads are open to every caller; writes need a workspace admin (403
/// <c>PERMISSION_DENIED</c>). Errors throw <see cref="ModelplaneApiException"/> with the node's message: 400 naming the
/// field (a membership cycle names <c>members</c>), 404, 409 (a taken name; the <c>admins</c> group's last member).
/// </summary>
public sealed partial class ModelplaneClient
{
    private const string ScimPath = "api/2.0/preview/scim/v2/";
    private const string PatchOpSchema = "urn:ietf:params:scim:api:messages:2.0:PatchOp";

    /// <summary>SCIM's JSON conventions: camelCase, nulls left out.</summary>
    public static JsonSerializerOptions ScimJsonOptions { get; } = CreateScimOptions();

    /// <summary><c>GET /Me</c>: the calling user or service principal.</summary>
    public Task<ScimUser> GetCurrentUserAsync(CancellationToken cancellationToken = default) => ScimAsync<ScimUser>(HttpMethod.Get, "Me", null, cancellationToken);

    /// <summary><c>POST /Users</c>.</summary>
    /// <param name="userName">Unique, case-insensitive user name (usually an e-mail address).</param>
    /// <param name="displayName">Display name, or null.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public Task<ScimUser> CreateUserAsync(string userName, string? displayName = null, CancellationToken cancellationToken = default) =>
        ScimAsync<ScimUser>(HttpMethod.Post, "Users", new ScimUser { UserName = userName, DisplayName = displayName }, cancellationToken);

    /// <summary><c>GET /Users</c>, optionally with a SCIM filter such as <c>userName eq "a@b.c"</c>.</summary>
    public Task<ScimList<ScimUser>> ListUsersAsync(string? filter = null, CancellationToken cancellationToken = default) =>
        ScimAsync<ScimList<ScimUser>>(HttpMethod.Get, "Users" + Filter(filter), null, cancellationToken);

    /// <summary><c>GET /Users/{id}</c>.</summary>
    public Task<ScimUser> GetUserAsync(string id, CancellationToken cancellationToken = default) =>
        ScimAsync<ScimUser>(HttpMethod.Get, "Users/" + Escape(id), null, cancellationToken);

    /// <summary><c>PATCH /Users/{id}</c> replacing <c>active</c>: false refuses the user's tokens from the next request on.</summary>
    public Task<ScimUser> SetUserActiveAsync(string id, bool active, CancellationToken cancellationToken = default) =>
        ScimAsync<ScimUser>(HttpMethod.Patch, "Users/" + Escape(id), Patch(new ScimPatchOperation("replace", "active", active)), cancellationToken);

    /// <summary><c>DELETE /Users/{id}</c>, with the user's tokens, memberships and grants.</summary>
    public Task DeleteUserAsync(string id, CancellationToken cancellationToken = default) =>
        ScimAsync<JsonElement>(HttpMethod.Delete, "Users/" + Escape(id), null, cancellationToken);

    /// <summary><c>POST /ServicePrincipals</c>; the node generates the application id.</summary>
    public Task<ScimServicePrincipal> CreateServicePrincipalAsync(string? displayName = null, CancellationToken cancellationToken = default) =>
        ScimAsync<ScimServicePrincipal>(HttpMethod.Post, "ServicePrincipals", new ScimServicePrincipal { DisplayName = displayName }, cancellationToken);

    /// <summary><c>GET /ServicePrincipals</c>, optionally filtered (e.g. <c>applicationId eq "..."</c>).</summary>
    public Task<ScimList<ScimServicePrincipal>> ListServicePrincipalsAsync(string? filter = null, CancellationToken cancellationToken = default) =>
        ScimAsync<ScimList<ScimServicePrincipal>>(HttpMethod.Get, "ServicePrincipals" + Filter(filter), null, cancellationToken);

    /// <summary><c>GET /ServicePrincipals/{id}</c>.</summary>
    public Task<ScimServicePrincipal> GetServicePrincipalAsync(string id, CancellationToken cancellationToken = default) =>
        ScimAsync<ScimServicePrincipal>(HttpMethod.Get, "ServicePrincipals/" + Escape(id), null, cancellationToken);

    /// <summary><c>DELETE /ServicePrincipals/{id}</c>, with its tokens, memberships and grants.</summary>
    public Task DeleteServicePrincipalAsync(string id, CancellationToken cancellationToken = default) =>
        ScimAsync<JsonElement>(HttpMethod.Delete, "ServicePrincipals/" + Escape(id), null, cancellationToken);

    /// <summary><c>POST /Groups</c> with members by id.</summary>
    public Task<ScimGroup> CreateGroupAsync(string displayName, IEnumerable<string>? memberIds = null, CancellationToken cancellationToken = default) =>
        ScimAsync<ScimGroup>(HttpMethod.Post, "Groups", new ScimGroup { DisplayName = displayName, Members = [.. (memberIds ?? []).Select(id => new ScimValue { Value = id })] }, cancellationToken);

    /// <summary><c>GET /Groups</c>, optionally filtered (e.g. <c>displayName eq "ops"</c>).</summary>
    public Task<ScimList<ScimGroup>> ListGroupsAsync(string? filter = null, CancellationToken cancellationToken = default) =>
        ScimAsync<ScimList<ScimGroup>>(HttpMethod.Get, "Groups" + Filter(filter), null, cancellationToken);

    /// <summary><c>GET /Groups/{id}</c>.</summary>
    public Task<ScimGroup> GetGroupAsync(string id, CancellationToken cancellationToken = default) =>
        ScimAsync<ScimGroup>(HttpMethod.Get, "Groups/" + Escape(id), null, cancellationToken);

    /// <summary><c>PATCH /Groups/{id}</c> adding members by id.</summary>
    public Task<ScimGroup> AddGroupMembersAsync(string id, IEnumerable<string> memberIds, CancellationToken cancellationToken = default) =>
        ScimAsync<ScimGroup>(HttpMethod.Patch, "Groups/" + Escape(id),
            Patch(new ScimPatchOperation("add", "members", memberIds.Select(m => new ScimValue { Value = m }).ToList())), cancellationToken);

    /// <summary><c>PATCH /Groups/{id}</c> removing one member (<c>members[value eq "id"]</c>).</summary>
    public Task<ScimGroup> RemoveGroupMemberAsync(string id, string memberId, CancellationToken cancellationToken = default) =>
        ScimAsync<ScimGroup>(HttpMethod.Patch, "Groups/" + Escape(id),
            Patch(new ScimPatchOperation("remove", $"members[value eq \"{memberId.Replace("\"", "\\\"", StringComparison.Ordinal)}\"]", null)), cancellationToken);

    /// <summary><c>DELETE /Groups/{id}</c>, with its memberships and grants.</summary>
    public Task DeleteGroupAsync(string id, CancellationToken cancellationToken = default) =>
        ScimAsync<JsonElement>(HttpMethod.Delete, "Groups/" + Escape(id), null, cancellationToken);

    private static ScimPatchBody Patch(ScimPatchOperation operation) => new([PatchOpSchema], [operation]);

    private static string Filter(string? filter) => string.IsNullOrWhiteSpace(filter) ? "" : "?filter=" + Escape(filter);

    private async Task<T> ScimAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, ScimPath + path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: ScimJsonOptions);
        }

        using var response = await SendRawAsync(request, ct);
        var bytes = await response.Content.ReadAsByteArrayAsync(ct);
        return JsonSerializer.Deserialize<T>(bytes.Length == 0 ? "{}"u8 : bytes, ScimJsonOptions)
            ?? throw new JsonException($"The node answered 'null' to {method} /{ScimPath}{path}.");
    }

    private static JsonSerializerOptions CreateScimOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
