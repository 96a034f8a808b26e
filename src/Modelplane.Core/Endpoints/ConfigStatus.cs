namespace Modelplane.Core.Endpoints;

/// <summary>Status strings of config versions and endpoint updates, as stored and as the Databricks API shows them.</summary>
public static class ConfigStatus
{
    /// <summary>Config written, entities loading.</summary>
    public const string Pending = "PENDING";
    /// <summary>Config live.</summary>
    public const string Active = "ACTIVE";
    /// <summary>Config failed to load; the previous one kept serving.</summary>
    public const string Failed = "FAILED";
    /// <summary>Config replaced by a newer one.</summary>
    public const string Retired = "RETIRED";

    /// <summary><c>state.config_update</c>: no update running.</summary>
    public const string NotUpdating = "NOT_UPDATING";
    /// <summary><c>state.config_update</c>: an update is running; further updates are refused with 409.</summary>
    public const string InProgress = "IN_PROGRESS";
    /// <summary><c>state.config_update</c>: the last update failed.</summary>
    public const string UpdateFailed = "UPDATE_FAILED";
}
