namespace Modelplane.Cli.Configuration;

/// <summary>Where the CLI sends its calls: the node's URL, the bearer token and the certificates to trust for HTTPS.</summary>
/// <param name="Host">The node's base URL.</param>
/// <param name="Token">The bearer token, or null when none was found.</param>
/// <param name="CaCertPath">A PEM file whose certificates are the only trust anchors for HTTPS (full path), or null
/// for the system store.</param>
internal sealed record Connection(Uri Host, string? Token, string? CaCertPath = null);

/// <summary>
/// Resolves host and token, each on its own, like the Databricks CLI: the flag (<c>--host</c>, <c>--token</c>), else
/// the environment (<c>MODELPLANE_HOST</c>, <c>MODELPLANE_TOKEN</c>), else the profile in the config file
/// (<c>--profile</c>, else <c>MODELPLANE_PROFILE</c>, else <c>DEFAULT</c>; file <c>MODELPLANE_CONFIG_FILE</c> or
/// <c>~/.modelplane/config</c>), else the defaults: host <c>http://127.0.0.1:8080</c>, token read from
/// <c>./.modelplane/admin-token</c> (the quickstart's data dir) when that file exists. The CA certificate for HTTPS
/// resolves the same way: <c>--ca-cert</c>, <c>MODELPLANE_CA_CERT</c>, the profile's <c>ca_cert</c>, else none (the
/// system store).
/// </summary>
internal static class ConnectionResolver
{
    /// <summary>The host used when none is configured.</summary>
    public const string DefaultHost = "http://127.0.0.1:8080";

    /// <summary>Resolves the connection.</summary>
    /// <exception cref="InvalidOperationException">A named profile is missing, or the host is not an http(s) URL.</exception>
    public static Connection Resolve(string? hostFlag, string? tokenFlag, string? profileFlag, CliContext context, string? caCertFlag = null)
    {
        var profileName = NonEmpty(profileFlag) ?? context.GetEnvironmentVariable("MODELPLANE_PROFILE");
        var configPath = context.GetEnvironmentVariable("MODELPLANE_CONFIG_FILE")
            ?? Path.Combine(context.HomeDirectory, ".modelplane", "config");
        var ini = File.Exists(configPath) ? IniFile.Parse(File.ReadAllText(configPath)) : null;
        if (profileName is not null && (ini is null || !ini.HasSection(profileName)))
        {
            throw new InvalidOperationException($"Profile '{profileName}' not found in {configPath}.");
        }

        var section = profileName ?? "DEFAULT";
        var host = NonEmpty(hostFlag)
            ?? context.GetEnvironmentVariable("MODELPLANE_HOST")
            ?? ini?.Get(section, "host")
            ?? DefaultHost;
        var token = NonEmpty(tokenFlag)
            ?? context.GetEnvironmentVariable("MODELPLANE_TOKEN")
            ?? ini?.Get(section, "token")
            ?? LocalAdminToken(context);
        var caCert = NonEmpty(caCertFlag)
            ?? context.GetEnvironmentVariable("MODELPLANE_CA_CERT")
            ?? ini?.Get(section, "ca_cert");
        return new Connection(ParseHost(host), token, caCert is null ? null : context.ResolvePath(caCert));
    }

    /// <summary>Parses a host; <c>localhost:8080</c> without a scheme means <c>http://localhost:8080</c>.</summary>
    public static Uri ParseHost(string host)
    {
        var text = host.Contains("://", StringComparison.Ordinal) ? host : "http://" + host;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"Host '{host}' is not an http(s) URL.");
        }

        return uri;
    }

    private static string? LocalAdminToken(CliContext context)
    {
        var path = Path.Combine(context.WorkingDirectory, ".modelplane", "admin-token");
        return File.Exists(path) ? NonEmpty(File.ReadAllText(path)) : null;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
