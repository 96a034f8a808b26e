using System.CommandLine;

namespace Modelplane.Cli.Commands;

/// <summary>
/// Options every verb accepts (they are recursive on the root): <c>--host</c>, <c>--token</c>, <c>--ca-cert</c>, <c>--profile</c>,
/// <c>--output json|table</c>. Host and token resolve flag &gt; environment &gt; profile
/// (see <see cref="Configuration.ConnectionResolver"/>).
/// </summary>
internal sealed class GlobalOptions
{
    /// <summary>The node's base URL, e.g. <c>http://127.0.0.1:8080</c>.</summary>
    public Option<string?> Host { get; } = new("--host")
    {
        Description = "Node URL (default: $MODELPLANE_HOST, the profile's host, or http://127.0.0.1:8080).",
        Recursive = true,
    };

    /// <summary>The bearer token.</summary>
    public Option<string?> Token { get; } = new("--token")
    {
        Description = "Bearer token (default: $MODELPLANE_TOKEN, the profile's token, or ./.modelplane/admin-token).",
        Recursive = true,
    };

    /// <summary>A PEM file of certificates to trust for HTTPS instead of the system store (a node's self-signed certificate).</summary>
    public Option<string?> CaCert { get; } = new("--ca-cert")
    {
        Description = "PEM certificate(s) to trust for an https node, e.g. <data-dir>/tls/self-signed-cert.pem (default: $MODELPLANE_CA_CERT, the profile's ca_cert, or the system store).",
        Recursive = true,
    };

    /// <summary>A section of <c>~/.modelplane/config</c>.</summary>
    public Option<string?> Profile { get; } = new("--profile", "-p")
    {
        Description = "Profile in ~/.modelplane/config (default: $MODELPLANE_PROFILE or DEFAULT).",
        Recursive = true,
    };

    /// <summary><c>json</c> (exactly one JSON document on stdout) or <c>table</c> (for people).</summary>
    public Option<string> Output { get; } = CreateOutput();

    /// <summary>Adds the options to the root command.</summary>
    public void AddTo(Command root)
    {
        root.Options.Add(Host);
        root.Options.Add(Token);
        root.Options.Add(CaCert);
        root.Options.Add(Profile);
        root.Options.Add(Output);
    }

    private static Option<string> CreateOutput()
    {
        var option = new Option<string>("--output", "-o")
        {
            Description = "Output format: json (one JSON document on stdout) or table.",
            DefaultValueFactory = _ => OutputFormats.Table,
            Recursive = true,
        };
        option.AcceptOnlyFromAmong(OutputFormats.Json, OutputFormats.Table);
        return option;
    }
}

/// <summary>Values of <c>--output</c>.</summary>
internal static class OutputFormats
{
    /// <summary>Exactly one JSON document on stdout.</summary>
    public const string Json = "json";

    /// <summary>Spectre.Console tables for people.</summary>
    public const string Table = "table";
}
