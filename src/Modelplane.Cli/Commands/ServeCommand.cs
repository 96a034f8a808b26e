using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Modelplane.Server.Hosting;

namespace Modelplane.Cli.Commands;

/// <summary>
/// <c>modelplane serve [--port N] [--data-dir DIR] [--bind ADDRESS] [--tls-cert PEM --tls-key PEM | --tls-self-signed]
/// [--allow-plain-http]</c>: runs a Modelplane node (<see cref="ModelplaneNode.Build(NodeOptions)"/>, TLS per
/// <see cref="NodeTls"/>) in this process until Ctrl-C. Once it listens, JSON output is
/// <c>{"url", "data_dir", "token_file"}</c>, plus <c>"ca_cert"</c> (the PEM clients should trust) with
/// <c>--tls-self-signed</c>; human messages go to standard error. Refused TLS or bind settings: exit 1 with a message
/// naming the flag.
/// </summary>
internal sealed class ServeCommand : BaseCommand
{
    private readonly NodeHostingOptions hosting = new();
    private readonly Option<string> bind = new("--bind")
    {
        Description = "Address to listen on (default 127.0.0.1; 0.0.0.0 for every interface).",
        DefaultValueFactory = _ => "127.0.0.1",
    };

    public ServeCommand(CliContext context, GlobalOptions globals)
        : base("serve", "Run a Modelplane node until Ctrl-C.", context, globals)
    {
        hosting.AddTo(this);
        Options.Add(bind);
        hosting.AddTlsTo(this);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        var dataDir = Context.ResolvePath(parseResult.GetRequiredValue(hosting.DataDir));
        var options = new NodeOptions
        {
            Host = parseResult.GetRequiredValue(bind),
            Port = parseResult.GetValue(hosting.Port),
            DataDir = dataDir,
            Args = NodeHostingOptions.LogToStandardError,
            TlsCertificatePath = ResolveOptional(parseResult.GetValue(hosting.TlsCert)),
            TlsKeyPath = ResolveOptional(parseResult.GetValue(hosting.TlsKey)),
            TlsSelfSigned = parseResult.GetValue(hosting.TlsSelfSigned),
            AllowPlainHttp = parseResult.GetValue(hosting.AllowPlainHttp),
        };
        await using var app = ModelplaneNode.Build(options);
        await app.StartAsync(cancellationToken);
        var url = app.Urls.FirstOrDefault() ?? $"http://{options.Host}:{options.Port}";
        var tokenFile = Path.Combine(dataDir, "admin-token");
        var caCert = app.Services.GetService(typeof(NodeTlsSettings)) is NodeTlsSettings { SelfSignedPath: { } pem } ? pem : null;
        output.WriteJsonOnly(new { url, data_dir = dataDir, token_file = tokenFile, ca_cert = caCert });
        output.Info($"Modelplane node listening on {url} (data dir {dataDir}; admin token in {tokenFile}). Press Ctrl-C to stop.");
        if (caCert is not null)
        {
            output.Info($"Self-signed certificate: {caCert}. Clients trust it with --ca-cert {caCert} (or MODELPLANE_CA_CERT), curl with --cacert.");
        }
        await app.WaitForShutdownAsync(cancellationToken);
        return ExitCodes.Success;
    }

    private string? ResolveOptional(string? path) => string.IsNullOrWhiteSpace(path) ? null : Context.ResolvePath(path);
}
