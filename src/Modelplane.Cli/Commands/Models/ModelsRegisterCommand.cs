using System.CommandLine;
using Modelplane.Cli.Output;

namespace Modelplane.Cli.Commands.Models;

/// <summary>
/// <c>modelplane models register &lt;path&gt; --name &lt;catalog.schema.model&gt; [--alias A] [--comment C]</c>: uploads a
/// <c>.onnx</c> file, an archive, or an MLflow model directory (zipped on the fly) as a new version; with
/// <c>--alias</c>, points the alias at it. Prints the version object.
/// </summary>
internal sealed class ModelsRegisterCommand : BaseCommand
{
    private readonly Argument<string> path = new("path") { Description = "A .onnx file, a .zip/.tar.gz of an MLflow model, or an MLflow model directory." };
    private readonly Option<string> name = CommonArguments.ModelNameOption("--name", "Registered model, catalog.schema.model (created when missing).", required: true);
    private readonly Option<string?> alias = new("--alias") { Description = "Alias to point at the new version (e.g. champion)." };
    private readonly Option<string?> comment = new("--comment") { Description = "Free text stored with the version." };

    public ModelsRegisterCommand(CliContext context, GlobalOptions globals)
        : base("register", "Register a model version from a file or an MLflow model directory.", context, globals)
    {
        Arguments.Add(path);
        Options.Add(name);
        Options.Add(alias);
        Options.Add(comment);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var fullName = parseResult.GetRequiredValue(name);
        var source = Context.ResolvePath(parseResult.GetRequiredValue(path));
        output.Info($"Uploading {source} to {fullName}...");
        var version = await client.CreateModelVersionAsync(fullName, source, parseResult.GetValue(comment), cancellationToken);
        if (parseResult.GetValue(alias) is { Length: > 0 } aliasName)
        {
            await client.SetAliasAsync(fullName, aliasName, version.Version, cancellationToken);
            version = await client.GetModelVersionAsync(fullName, version.Version, cancellationToken);
        }

        output.Info($"Registered {fullName} version {version.Version}.");
        output.Write(version, RegistryTables.Version);
        return ExitCodes.Success;
    }
}
