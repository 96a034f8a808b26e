namespace Modelplane.Core.Governance.Permissions;

/// <summary>
/// The objects permissions apply to and their levels, lowest first (databricks-serving.md §5.1; Databricks
/// permissions and secret ACL APIs). A higher level includes every lower one.
/// </summary>
public static class PermissionLevels
{
    /// <summary>Serving endpoints, by endpoint id.</summary>
    public const string ServingEndpoints = "serving-endpoints";

    /// <summary>Registered models, by full name <c>catalog.schema.model</c>.</summary>
    public const string RegisteredModels = "registered-models";

    /// <summary>Schemas, by full name <c>catalog.schema</c> (who may create models in it).</summary>
    public const string Schemas = "schemas";

    /// <summary>Secret scopes, by scope name.</summary>
    public const string SecretScopes = "secret-scopes";

    /// <summary>Endpoint: config, state, metrics, logs.</summary>
    public const string CanView = "CAN_VIEW";

    /// <summary>Endpoint: view + query.</summary>
    public const string CanQuery = "CAN_QUERY";

    /// <summary>Everything on the object, including its permissions and deletion.</summary>
    public const string CanManage = "CAN_MANAGE";

    /// <summary>Registered model: read metadata, versions and artifacts; serve it.</summary>
    public const string CanRead = "CAN_READ";

    /// <summary>Registered model: read + add versions, set aliases and tags.</summary>
    public const string CanEdit = "CAN_EDIT";

    /// <summary>Schema: create registered models in it.</summary>
    public const string CanCreateModel = "CAN_CREATE_MODEL";

    /// <summary>Secret scope: read secrets (reference them in a config).</summary>
    public const string Read = "READ";

    /// <summary>Secret scope: read + put and delete secrets.</summary>
    public const string Write = "WRITE";

    /// <summary>Secret scope: write + change its ACLs and delete it.</summary>
    public const string Manage = "MANAGE";

    /// <summary>Levels per object type, lowest first.</summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> ByObjectType = new Dictionary<string, IReadOnlyList<string>>
    {
        [ServingEndpoints] = [CanView, CanQuery, CanManage],
        [RegisteredModels] = [CanRead, CanEdit, CanManage],
        [Schemas] = [CanCreateModel, CanManage],
        [SecretScopes] = [Read, Write, Manage],
    };

    /// <summary>The top level of an object type (what admins and creators hold).</summary>
    public static string Top(string objectType) => ByObjectType[objectType][^1];

    /// <summary>The rank of <paramref name="level"/> for <paramref name="objectType"/> (1 = lowest), or 0 when unknown.</summary>
    public static int Rank(string objectType, string? level) =>
        level is null ? 0 : ByObjectType.TryGetValue(objectType, out var levels) ? levels.IndexOf(level) + 1 : 0;

    /// <summary>Whether <paramref name="held"/> includes <paramref name="needed"/>.</summary>
    public static bool Includes(string objectType, string? held, string needed) => Rank(objectType, held) >= Rank(objectType, needed) && Rank(objectType, needed) > 0;

    private static int IndexOf(this IReadOnlyList<string> list, string item)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == item)
            {
                return i;
            }
        }

        return -1;
    }
}
