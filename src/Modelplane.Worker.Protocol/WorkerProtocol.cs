namespace Modelplane.Worker.Protocol;

/// <summary>
/// Constants of the node-worker protocol (docs/worker-protocol.md). The node opens a connection with a preamble
/// (<see cref="Magic"/>, the versions it speaks); from then on both sides exchange frames:
/// <c>u32 length | u8 type | u32 request id | payload</c>, little-endian, where length counts the bytes after itself.
/// </summary>
public static class WorkerProtocol
{
    /// <summary>The protocol version this build speaks best.</summary>
    public const int Version = 2;

    /// <summary>The first version with <see cref="FrameType.Generate"/> (text generation, GGUF models).</summary>
    public const int GenerateVersion = 2;

    /// <summary>Bytes before the payload: length (4), type (1), request id (4).</summary>
    public const int HeaderLength = 9;

    /// <summary>Largest frame accepted or sent, in bytes after the length field (1 GiB).</summary>
    public const int MaxFrameLength = 1 << 30;

    /// <summary>The protocol versions this build speaks, ascending.</summary>
    public static IReadOnlyList<int> SupportedVersions { get; } = [1, Version];

    /// <summary>The four bytes that open a connection: ASCII <c>MPWK</c>.</summary>
    public static ReadOnlySpan<byte> Magic => "MPWK"u8;

    /// <summary>The highest version in both <paramref name="offered"/> and <see cref="SupportedVersions"/>, or null.</summary>
    public static int? ChooseVersion(IEnumerable<int> offered)
    {
        var common = offered.Where(SupportedVersions.Contains).ToList();
        return common.Count == 0 ? null : common.Max();
    }
}
