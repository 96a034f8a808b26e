using Modelplane.Core.Governance.Identity;
using Modelplane.Core.Storage;

namespace Modelplane.Server.Api;

/// <summary>Store rows to SCIM resources and SCIM bodies to drafts (see <see cref="ScimApi"/>).</summary>
public static class ScimMapping
{
    /// <summary>The SCIM user of <paramref name="row"/>; <c>emails</c> is its user name when that looks like an address.</summary>
    public static ScimUser User(PrincipalEntity row, IEnumerable<GroupEntity> groups) => new()
    {
        Schemas = [ScimSchemas.User],
        Id = row.Id,
        UserName = row.Name,
        DisplayName = row.DisplayName,
        Active = row.Active,
        Emails = row.Name.Contains('@', StringComparison.Ordinal) ? [new ScimValue(row.Name, Type: "work", Primary: true)] : [],
        Groups = GroupRefs(groups),
        ExternalId = row.ExternalId,
    };

    /// <summary>The SCIM service principal of <paramref name="row"/>.</summary>
    public static ScimServicePrincipal ServicePrincipal(PrincipalEntity row, IEnumerable<GroupEntity> groups) => new()
    {
        Schemas = [ScimSchemas.ServicePrincipal],
        Id = row.Id,
        ApplicationId = row.Name,
        DisplayName = row.DisplayName,
        Active = row.Active,
        Groups = GroupRefs(groups),
        ExternalId = row.ExternalId,
    };

    /// <summary>The SCIM group of <paramref name="state"/>, members described by <paramref name="members"/>.</summary>
    public static ScimGroup Group(GroupState state, IReadOnlyDictionary<string, MemberInfo> members) => new()
    {
        Schemas = [ScimSchemas.Group],
        Id = state.Group.Id,
        DisplayName = state.Group.DisplayName,
        ExternalId = state.Group.ExternalId,
        Members = [.. state.MemberIds.Select(id => members.TryGetValue(id, out var m)
            ? new ScimValue(id, m.Display, Ref: Ref(m.Kind) + "/" + id)
            : new ScimValue(id))],
    };

    /// <summary>A user body as a draft (<c>active</c> defaults to true).</summary>
    public static PrincipalDraft Draft(ScimUser body) => new(body.UserName ?? "", body.DisplayName, body.Active ?? true, body.ExternalId);

    /// <summary>A service principal body as a draft; <paramref name="applicationId"/> when the body has none.</summary>
    public static PrincipalDraft Draft(ScimServicePrincipal body, string applicationId) =>
        new(body.ApplicationId ?? applicationId, body.DisplayName, body.Active ?? true, body.ExternalId);

    /// <summary>A group body as a draft.</summary>
    public static GroupDraft Draft(ScimGroup body) =>
        new(body.DisplayName ?? "", body.ExternalId, [.. (body.Members ?? []).Select((m, i) => m.Value
            ?? throw Abstractions.ModelplaneException.InvalidParameter($"members[{i}].value is required: the member's id."))]);

    private static List<ScimValue> GroupRefs(IEnumerable<GroupEntity> groups) =>
        [.. groups.Select(g => new ScimValue(g.Id, g.DisplayName, "direct", Ref: "Groups/" + g.Id))];

    private static string Ref(string kind) => kind switch
    {
        PrincipalKinds.ServicePrincipal => "ServicePrincipals",
        MemberInfo.GroupKind => "Groups",
        _ => "Users",
    };
}
