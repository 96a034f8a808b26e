using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Modelplane.Server.Hosting;

namespace Modelplane.Cli.Commands;

/// <summary>
/// <c>modelplane serve [--port N] [--data-dir DIR] [--bind ADDRESS]</c>: runs a Modelplane node
/// (<see cref="ModelplaneNode.Build(NodeOptions)"/>) in this process until Ctrl-C. Once it listens, JSON output is
/// <c>{"url", "data_dir", "token_file"}</c>; human messages go to standard error.
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
        };
        await using var app = ModelplaneNode.Build(options);
        await app.StartAsync(cancellationToken);
        var url = app.Urls.FirstOrDefault() ?? $"http://{options.Host}:{options.Port}";
        var tokenFile = Path.Combine(dataDir, "admin-token");
        output.WriteJsonOnly(new { url, data_dir = dataDir, token_file = tokenFile });
        output.Info($"Modelplane node listening on {url} (data dir {dataDir}; admin token in {tokenFile}). Press Ctrl-C to stop.");
        await app.WaitForShutdownAsync(cancellationToken);
        return ExitCodes.Success;
    }
}
