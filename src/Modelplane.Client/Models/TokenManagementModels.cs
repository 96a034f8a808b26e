namespace Modelplane.Client;

/// <summary>
/// A token's facts as token management answers them (Databricks REST "Token management"): <c>{"token_id",
/// "creation_time", "expiry_time", "comment", "owner_id", "created_by_id", "created_by_username"}</c>; times Unix ms,
/// <c>expiry_time</c> -1 for never. Never the value or its hash.
/// </summary>
public sealed record ManagedTokenInfo
{
    /// <summary>The token id.</summary>
    public string? TokenId { get; init; }

    /// <summary>Creation time, Unix ms.</summary>
    public long? CreationTime { get; init; }

    /// <summary>Expiry, Unix ms; -1 for never.</summary>
    public long? ExpiryTime { get; init; }

    /// <summary>The comment given at creation.</summary>
    public string? Comment { get; init; }

    /// <summary>The principal id the token acts as.</summary>
    public string? OwnerId { get; init; }

    /// <summary>The principal id that minted it.</summary>
    public string? CreatedById { get; init; }

    /// <summary>The name of the principal that minted it.</summary>
    public string? CreatedByUsername { get; init; }
}

/// <summary>An on-behalf-of token: <c>{"token_value", "token_info"}</c>; the value is shown this once. A class so no generated ToString prints it.</summary>
public sealed class CreatedOboToken
{
    /// <summary>The token (<c>mpt_...</c>).</summary>
    public string? TokenValue { get; init; }

    /// <summary>Its facts.</summary>
    public ManagedTokenInfo? TokenInfo { get; init; }
}

/// <summary><c>{"token_infos": [...]}</c>.</summary>
internal sealed record ManagedTokenList(List<ManagedTokenInfo>? TokenInfos);

/// <summary>Body of <c>POST /api/2.0/token-management/on-behalf-of/tokens</c>.</summary>
internal sealed record CreateOboTokenBody(string? ApplicationId, long? LifetimeSeconds, string? Comment, string? UserName = null);
