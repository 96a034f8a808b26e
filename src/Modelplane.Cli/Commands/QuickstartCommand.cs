using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Modelplane.Cli.Commands.Quickstart;
using Modelplane.Client;
using Modelplane.Server.Hosting;

namespace Modelplane.Cli.Commands;

/// <summary>
/// <c>modelplane quickstart [--port N] [--data-dir DIR]</c> (issue 2, point 10): starts a node on 127.0.0.1:8080
/// (data dir <c>./.modelplane</c>), registers <c>main.default.iris</c> from the Iris MLflow model bundled next to this
/// executable (<c>quickstart/iris/</c>), creates endpoint <c>iris-classifier</c>, waits until READY, prints curl and
/// CLI examples with the real token and payload (JSON output: one document with <c>url</c>, <c>token</c>,
/// <c>examples</c>), and serves until Ctrl-C. A second run with the same data dir reuses the version and endpoint.
/// </summary>
internal sealed class QuickstartCommand : BaseCommand
{
    private readonly NodeHostingOptions hosting = new();

    public QuickstartCommand(CliContext context, GlobalOptions globals)
        : base("quickstart", "Start a node serving the Iris classifier and the arctic-embed-xs embeddings endpoint, print examples, serve until Ctrl-C.", context, globals)
    {
        hosting.AddTo(this);
    }

    /// <summary>The bundled Iris MLflow model directory.</summary>
    internal static string ModelDirectory => Path.Combine(AppContext.BaseDirectory, "quickstart", "iris");

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        if (!File.Exists(Path.Combine(ModelDirectory, "MLmodel")))
        {
            throw new InvalidOperationException($"The bundled Iris model is missing from {ModelDirectory}; rebuild the CLI.");
        }

        var dataDir = Context.ResolvePath(parseResult.GetRequiredValue(hosting.DataDir));
        var options = new NodeOptions { Host = "127.0.0.1", Port = parseResult.GetValue(hosting.Port), DataDir = dataDir, Args = NodeHostingOptions.QuietLogs };
        await using var app = ModelplaneNode.Build(options);
        await app.StartAsync(cancellationToken);
        try
        {
            var url = (app.Urls.FirstOrDefault() ?? $"http://{options.Host}:{options.Port}").TrimEnd('/');
            var tokenFile = Path.Combine(dataDir, "admin-token");
            var token = (await File.ReadAllTextAsync(tokenFile, cancellationToken)).Trim();
            using var client = new ModelplaneClient(new Uri(url), token);
            var setup = new QuickstartSetup(client, output);
            var version = await setup.EnsureModelVersionAsync(ModelDirectory, cancellationToken);
            var endpoint = await setup.EnsureEndpointAsync(version.Version, cancellationToken);
            var embeddings = await setup.EnsureEmbeddingEndpointAsync(cancellationToken);
            var examples = new QuickstartExamples(url, token, tokenFile, QuickstartExamples.CurrentCli(), QuickstartSetup.ReadPayload(ModelDirectory));
            if (output.IsJson)
            {
                output.WriteJson(new
                {
                    url,
                    token,
                    token_file = tokenFile,
                    data_dir = dataDir,
                    model = QuickstartSetup.ModelFullName,
                    version = version.Version,
                    endpoint = endpoint.Name,
                    embedding_endpoint = embeddings.Name,
                    examples = new { curl = examples.Curl, cli = examples.CliCommands, embeddings_curl = examples.EmbeddingsCurl },
                });
            }
            else
            {
                output.WriteText(examples.ToText(version.Version));
            }

            output.Info("Serving until Ctrl-C.");
            await app.WaitForShutdownAsync(cancellationToken);
            return ExitCodes.Success;
        }
        catch
        {
            await app.StopAsync(CancellationToken.None);
            throw;
        }
    }
}
