namespace Modelplane.Providers.Egress;

/// <summary>
/// The node-wide egress policy for calls to external model providers, bound from the configuration section
/// <c>Modelplane:Egress</c> (environment: <c>MODELPLANE__Egress__RestrictionMode=RESTRICTED_ACCESS</c>,
/// <c>MODELPLANE__Egress__AllowedInternetDestinations__0=api.openai.com</c>). Shaped after Databricks' network policy
/// <c>egress.network_access</c> (<c>restriction_mode</c>, <c>allowed_internet_destinations</c>, log-only enforcement;
/// databricks-serving.md §7.3). User guide: <c>docs/egress.md</c>.
/// </summary>
public sealed class EgressOptions
{
    /// <summary>The configuration section, <c>Modelplane:Egress</c>.</summary>
    public const string SectionName = "Modelplane:Egress";

    /// <summary><see cref="RestrictionMode"/> value: any destination (link-local and metadata addresses excepted).</summary>
    public const string FullAccess = "FULL_ACCESS";

    /// <summary><see cref="RestrictionMode"/> value: only <see cref="AllowedInternetDestinations"/>.</summary>
    public const string RestrictedAccess = "RESTRICTED_ACCESS";

    /// <summary>
    /// <c>FULL_ACCESS</c> (default) or <c>RESTRICTED_ACCESS</c> (case-insensitive). Link-local and cloud-metadata
    /// addresses are refused in both modes unless <see cref="AllowedInternetDestinations"/> names them exactly.
    /// </summary>
    public string RestrictionMode { get; set; } = FullAccess;

    /// <summary>
    /// Destinations, each <c>host</c> (any port) or <c>host:port</c>: a DNS name (<c>api.openai.com</c>), a name with a
    /// leading <c>*.</c> for its subdomains (<c>*.openai.azure.com</c>; not the name itself), or an IP literal
    /// (<c>10.0.0.5</c>, <c>[fd00:ec2::254]:80</c>). An entry may hold several, separated by commas. In
    /// <c>RESTRICTED_ACCESS</c> the host as written in a provider URL must match one; in both modes an exact (non-wildcard)
    /// entry is what lets a link-local or metadata address through.
    /// </summary>
    public IList<string> AllowedInternetDestinations { get; } = [];

    /// <summary>
    /// Log-only enforcement of the allow-list: what <c>RESTRICTED_ACCESS</c> would refuse is logged ("would refuse") and
    /// let through. Link-local and metadata addresses stay refused (they are refused in every mode). Ignored in
    /// <c>FULL_ACCESS</c>.
    /// </summary>
    public bool DryRun { get; set; }

    /// <summary>True when <see cref="RestrictionMode"/> is <c>RESTRICTED_ACCESS</c>.</summary>
    public bool IsRestricted => string.Equals(RestrictionMode?.Trim(), RestrictedAccess, StringComparison.OrdinalIgnoreCase);
}
