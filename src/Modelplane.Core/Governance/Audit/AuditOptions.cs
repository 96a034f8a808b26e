namespace Modelplane.Core.Governance.Audit;

/// <summary>
/// Audit log tuning, bound from <c>Modelplane:Audit</c>: how many entries may wait for the background writer and how
/// many it saves per transaction.
/// </summary>
public sealed class AuditOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Modelplane:Audit";

    /// <summary>Entries waiting to be written before new ones are dropped (and counted). Default 10 000.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>Most entries saved in one <c>SaveChanges</c>. Default 256.</summary>
    public int BatchSize { get; set; } = 256;
}
