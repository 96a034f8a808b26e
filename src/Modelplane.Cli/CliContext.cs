namespace Modelplane.Cli;

/// <summary>
/// The process surroundings a command runs in, replaceable by tests: standard streams, environment variables, the
/// home and working directories. Machine output goes to <see cref="Out"/>, human messages to <see cref="Error"/>.
/// </summary>
internal sealed class CliContext
{
    /// <summary>Standard output: the command's one result (a JSON document or a table).</summary>
    public required TextWriter Out { get; init; }

    /// <summary>Standard error: progress, hints and the one error line.</summary>
    public required TextWriter Error { get; init; }

    /// <summary>Standard input (query bodies piped in).</summary>
    public TextReader In { get; init; } = TextReader.Null;

    /// <summary>Whether standard input is a pipe or file rather than a terminal.</summary>
    public bool InputRedirected { get; init; }

    /// <summary>Environment variables (<c>MODELPLANE_HOST</c>, <c>MODELPLANE_TOKEN</c>, …).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>The user's home directory, where <c>.modelplane/config</c> lives.</summary>
    public string HomeDirectory { get; init; } = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);

    /// <summary>The working directory relative paths resolve against.</summary>
    public string WorkingDirectory { get; init; } = System.Environment.CurrentDirectory;

    /// <summary>Delay between polls of <c>endpoints wait</c>; null for the client's back-off (tests shorten it).</summary>
    public Func<int, TimeSpan>? PollDelay { get; init; }

    /// <summary>The real process: console streams and the process environment.</summary>
    public static CliContext FromProcess() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        In = Console.In,
        InputRedirected = Console.IsInputRedirected,
        Environment = System.Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal),
    };

    /// <summary>An environment variable, or null when unset or empty.</summary>
    public string? GetEnvironmentVariable(string name) =>
        Environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    /// <summary>Resolves a path the user typed against <see cref="WorkingDirectory"/>.</summary>
    public string ResolvePath(string path) => Path.GetFullPath(path, WorkingDirectory);
}
