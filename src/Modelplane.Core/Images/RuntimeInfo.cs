namespace Modelplane.Core.Images;

/// <summary>An installed runtime: a worker build copied into <c>&lt;data&gt;/runtimes/&lt;id&gt;/</c> (see <see cref="RuntimeStore"/>).</summary>
/// <param name="Id">Lower-case hex SHA-256 over the build's files (see <see cref="RuntimeStore"/> for the exact text hashed).</param>
/// <param name="Directory">Absolute path of the runtime folder.</param>
/// <param name="DotnetVersion">The .NET framework version the worker was built against (from
/// <c>Modelplane.Worker.runtimeconfig.json</c>, e.g. <c>10.0.0</c>), or null when the build has no runtimeconfig.</param>
/// <param name="ProtocolVersions">Node–worker protocol versions the worker speaks.</param>
public sealed record RuntimeInfo(string Id, string Directory, string? DotnetVersion, IReadOnlyList<int> ProtocolVersions)
{
    /// <summary>File name of the worker apphost in a runtime folder.</summary>
    public const string ApphostName = "Modelplane.Worker";

    /// <summary>Absolute path of the worker apphost to start (<c>&lt;Directory&gt;/Modelplane.Worker</c>).</summary>
    public string ApphostPath => Path.Combine(Directory, ApphostName);

    /// <summary>Value equality, protocol versions compared element by element.</summary>
    public bool Equals(RuntimeInfo? other) =>
        other is not null && Id == other.Id && Directory == other.Directory && DotnetVersion == other.DotnetVersion
        && ProtocolVersions.SequenceEqual(other.ProtocolVersions);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Id, Directory, DotnetVersion, ProtocolVersions.Count);
}
