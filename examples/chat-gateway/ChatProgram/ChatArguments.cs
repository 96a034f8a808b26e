namespace Modelplane.Examples.ChatGateway.ChatProgram;

/// <summary>
/// Command line: <c>&lt;endpoint&gt; [--prompt TEXT] [--host URL] [--data-dir DIR]</c>. The node's URL is
/// <c>--host</c>, else <c>$MODELPLANE_HOST</c>, else <c>http://127.0.0.1:8080</c>; the bearer token is
/// <c>$MODELPLANE_TOKEN</c>, else the node's <c>&lt;data-dir&gt;/admin-token</c> (data dir default
/// <c>./.modelplane</c>, as <c>modelplane serve</c> and <c>quickstart</c> use), the same order the
/// <c>modelplane</c> CLI follows.
/// </summary>
/// <param name="Endpoint">The serving endpoint's name, sent as the OpenAI <c>model</c>.</param>
/// <param name="Prompt">The user message.</param>
/// <param name="Host">The node's base URL, e.g. <c>http://127.0.0.1:8080</c>.</param>
/// <param name="Token">The bearer token, sent as the OpenAI API key.</param>
internal sealed record ChatArguments(string Endpoint, string Prompt, Uri Host, string Token)
{
    /// <summary>The usage text printed on a bad command line.</summary>
    public const string Usage = "usage: ChatProgram <endpoint> [--prompt TEXT] [--host URL] [--data-dir DIR]";

    /// <summary>The user message when <c>--prompt</c> is not given.</summary>
    public const string DefaultPrompt = "Say hello there!";

    /// <summary>The OpenAI-compatible base URL: <c>{host}/serving-endpoints</c> (the SDK appends <c>/chat/completions</c>).</summary>
    public Uri OpenAiBase => new(Host, "serving-endpoints");

    /// <summary>Parses the arguments and the environment.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="environment">Reads an environment variable (<see cref="Environment.GetEnvironmentVariable(string)"/>).</param>
    /// <exception cref="ArgumentException">No endpoint, an unknown flag, a flag without a value, a bad URL, or no token
    /// found (the message says where it looked).</exception>
    public static ChatArguments Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        string? endpoint = null, prompt = null, host = null, dataDir = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                endpoint = endpoint is null ? args[i] : throw new ArgumentException($"Only one endpoint, not '{endpoint}' and '{args[i]}'.");
                continue;
            }

            var flag = args[i];
            var value = i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{flag} needs a value.");
            switch (flag)
            {
                case "--prompt": prompt = value; break;
                case "--host": host = value; break;
                case "--data-dir": dataDir = value; break;
                default: throw new ArgumentException($"Unknown option '{flag}'.");
            }
        }

        if (string.IsNullOrWhiteSpace(endpoint))
        {
            throw new ArgumentException("Name the endpoint to query.");
        }

        host ??= environment("MODELPLANE_HOST") is { Length: > 0 } envHost ? envHost : "http://127.0.0.1:8080";
        if (!Uri.TryCreate(host.TrimEnd('/') + "/", UriKind.Absolute, out var hostUri) || hostUri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"The node URL must be http:// or https://, not '{host}'.");
        }

        return new ChatArguments(endpoint, prompt ?? DefaultPrompt, hostUri, FindToken(environment, dataDir ?? ".modelplane"));
    }

    private static string FindToken(Func<string, string?> environment, string dataDir)
    {
        if (environment("MODELPLANE_TOKEN") is { Length: > 0 } token)
        {
            return token.Trim();
        }

        var file = Path.GetFullPath(Path.Combine(dataDir, "admin-token"));
        return File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } fromFile
            ? fromFile
            : throw new ArgumentException($"No token: set MODELPLANE_TOKEN, or run where the node's data dir is (no {file}; --data-dir names another).");
    }
}
