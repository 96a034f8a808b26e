namespace Modelplane.Client;

/// <summary>
/// A personal access token's public facts, as <c>GET /api/2.0/token/list</c> and <c>POST /api/2.0/token/create</c>
/// answer them (Databricks REST "Token"): <c>{"token_id", "creation_time", "expiry_time", "comment"}</c>. Never the
/// value or its hash.
/// </summary>
public sealed record TokenInfo
{
    /// <summary>The id to revoke the token by (<see cref="ModelplaneClient.DeleteTokenAsync"/>).</summary>
    public string? TokenId { get; init; }

    /// <summary>When the token was created, Unix milliseconds (UTC).</summary>
    public long? CreationTime { get; init; }

    /// <summary>When the token stops working, Unix milliseconds (UTC); <c>-1</c> when it never expires.</summary>
    public long? ExpiryTime { get; init; }

    /// <summary>The comment given at creation, if any.</summary>
    public string? Comment { get; init; }
}

/// <summary>
/// <c>POST /api/2.0/token/create</c>'s answer: <c>{"token_value", "token_info"}</c>. The value is shown this once; the
/// node keeps only its hash. A class, not a record, so that no generated <c>ToString</c> ever prints the value.
/// </summary>
public sealed class CreatedToken
{
    /// <summary>The token itself (<c>mpt_...</c>), to send as <c>Authorization: Bearer &lt;token&gt;</c>.</summary>
    public string? TokenValue { get; init; }

    /// <summary>The token's public facts.</summary>
    public TokenInfo? TokenInfo { get; init; }
}

/// <summary><c>GET /api/2.0/token/list</c>: <c>{"token_infos": [...]}</c>, oldest first.</summary>
internal sealed record TokenInfoList(List<TokenInfo>? TokenInfos);

/// <summary>Body of <c>POST /api/2.0/token/create</c>: <c>{"lifetime_seconds"?, "comment"?}</c>.</summary>
internal sealed record CreateTokenBody(long? LifetimeSeconds, string? Comment);

/// <summary>Body of <c>POST /api/2.0/token/delete</c>: <c>{"token_id"}</c>.</summary>
internal sealed record DeleteTokenBody(string TokenId);
