using System.Net;
using Modelplane.Client;

namespace Modelplane.Cli.Commands.Identity;

/// <summary>
/// Client-side name resolution for the identity verbs: people type user names, application ids and group names; SCIM
/// wants ids. Each lookup tries the name first (a SCIM <c>eq</c> filter) and then the text as an id; a miss is an
/// <see cref="InvalidOperationException"/> whose message the CLI prints (exit 1).
/// </summary>
internal static class IdentityLookup
{
    /// <summary>A user by user name or id.</summary>
    public static async Task<ScimUser> UserAsync(ModelplaneClient client, string text, CancellationToken ct) =>
        First(await client.ListUsersAsync(Eq("userName", text), ct))
        ?? await ByIdAsync(() => client.GetUserAsync(text, ct)) ?? throw Missing("user", "user name", text);

    /// <summary>A service principal by application id or id.</summary>
    public static async Task<ScimServicePrincipal> ServicePrincipalAsync(ModelplaneClient client, string text, CancellationToken ct) =>
        First(await client.ListServicePrincipalsAsync(Eq("applicationId", text), ct))
        ?? await ByIdAsync(() => client.GetServicePrincipalAsync(text, ct)) ?? throw Missing("service principal", "application id", text);

    /// <summary>A group by display name or id.</summary>
    public static async Task<ScimGroup> GroupAsync(ModelplaneClient client, string text, CancellationToken ct) =>
        First(await client.ListGroupsAsync(Eq("displayName", text), ct))
        ?? await ByIdAsync(() => client.GetGroupAsync(text, ct)) ?? throw Missing("group", "name", text);

    /// <summary>The id of a group member named by user name, application id or group name (in that order).</summary>
    public static async Task<string> MemberIdAsync(ModelplaneClient client, string text, CancellationToken ct)
    {
        var id = First(await client.ListUsersAsync(Eq("userName", text), ct))?.Id
            ?? First(await client.ListServicePrincipalsAsync(Eq("applicationId", text), ct))?.Id
            ?? First(await client.ListGroupsAsync(Eq("displayName", text), ct))?.Id;
        return id ?? throw new InvalidOperationException($"No user, service principal or group is named '{text}' (give a user name, an application id or a group name).");
    }

    private static T? First<T>(ScimList<T> list)
        where T : class => list.Resources is { Count: > 0 } found ? found[0] : null;

    private static string Eq(string attribute, string value) =>
        $"{attribute} eq \"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}\"";

    private static async Task<T?> ByIdAsync<T>(Func<Task<T>> get)
        where T : class
    {
        try
        {
            return await get();
        }
        catch (ModelplaneApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    private static InvalidOperationException Missing(string kind, string nameKind, string text) =>
        new($"No {kind} has the {nameKind} or id '{text}'.");
}
