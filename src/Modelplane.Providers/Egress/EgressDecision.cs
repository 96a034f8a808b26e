using System.Net;

namespace Modelplane.Providers.Egress;

/// <summary>What the egress policy decided for one destination.</summary>
public enum EgressVerdict
{
    /// <summary>The connection may proceed.</summary>
    Allowed,

    /// <summary>The connection is refused.</summary>
    Refused,

    /// <summary>Dry run: the allow-list would refuse it; it is logged and proceeds.</summary>
    WouldRefuse,
}

/// <summary>A verdict with its reason and the address it concerns (both null when allowed).</summary>
/// <param name="Verdict">Allowed, refused, or refused only in a dry run.</param>
/// <param name="Reason">Why it is (or would be) refused, a phrase, e.g. <c>a link-local address (169.254.0.0/16 ...)</c>.</param>
/// <param name="Address">The address at fault, when one is known.</param>
public sealed record EgressDecision(EgressVerdict Verdict, string? Reason = null, IPAddress? Address = null)
{
    /// <summary>The allowed decision.</summary>
    public static readonly EgressDecision Allow = new(EgressVerdict.Allowed);
}
