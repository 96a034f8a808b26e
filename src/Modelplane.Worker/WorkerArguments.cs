using System.Globalization;

namespace Modelplane.Worker;

/// <summary>
/// The worker's command line (the contract with the node): <c>--image DIR --socket PATH --parent-pid PID
/// [--intra-op-threads N] [--arena-limit-bytes N] [--replica-id ID]</c>, or <c>--runtime-info</c> alone.
/// </summary>
internal sealed record WorkerArguments
{
    public const string Usage =
        "usage: Modelplane.Worker --image <image-dir> --socket <unix-socket-path> --parent-pid <pid> " +
        "[--intra-op-threads N] [--arena-limit-bytes N] [--replica-id ID]\n       Modelplane.Worker --runtime-info";

    public bool RuntimeInfo { get; init; }

    public string ImageDirectory { get; init; } = string.Empty;

    public string SocketPath { get; init; } = string.Empty;

    public int? ParentPid { get; init; }

    public int IntraOpThreads { get; init; } = 1;

    public long ArenaLimitBytes { get; init; }

    public string ReplicaId { get; init; } = "replica";

    /// <summary>Parses the arguments.</summary>
    /// <exception cref="ArgumentException">An option is unknown, repeated without a value, or malformed, or a required one is missing.</exception>
    public static WorkerArguments Parse(IReadOnlyList<string> args)
    {
        var result = new WorkerArguments();
        for (var i = 0; i < args.Count; i++)
        {
            var option = args[i];
            if (option == "--runtime-info")
            {
                result = result with { RuntimeInfo = true };
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new ArgumentException($"Option '{option}' needs a value.");
            }

            var value = args[++i];
            result = option switch
            {
                "--image" => result with { ImageDirectory = Path.GetFullPath(value) },
                "--socket" => result with { SocketPath = value },
                "--parent-pid" => result with { ParentPid = ParseInt(option, value, 1) },
                "--intra-op-threads" => result with { IntraOpThreads = ParseInt(option, value, 1) },
                "--arena-limit-bytes" => result with { ArenaLimitBytes = ParseLong(option, value) },
                "--replica-id" => result with { ReplicaId = value },
                _ => throw new ArgumentException($"Unknown option '{option}'."),
            };
        }

        if (!result.RuntimeInfo && (result.ImageDirectory.Length == 0 || result.SocketPath.Length == 0))
        {
            throw new ArgumentException("Options --image and --socket are required.");
        }

        return result;
    }

    private static int ParseInt(string option, string value, int min) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min
            ? n
            : throw new ArgumentException($"Option '{option}' needs an integer of at least {min}, not '{value}'.");

    private static long ParseLong(string option, string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : throw new ArgumentException($"Option '{option}' needs a number of bytes, not '{value}'.");
}
