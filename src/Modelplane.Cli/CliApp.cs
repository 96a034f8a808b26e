using System.CommandLine;
using Modelplane.Cli.Commands;
using Modelplane.Cli.Commands.Endpoints;
using Modelplane.Cli.Commands.Models;

namespace Modelplane.Cli;

/// <summary>
/// The <c>modelplane</c> command tree (issue 2, point 9) and its entry point. Parse errors give exit code 2 and are
/// written to standard error; each verb's action returns 0 or 1 (see <see cref="ExitCodes"/>).
/// </summary>
internal static class CliApp
{
    /// <summary>Builds the root command with the global options and every verb.</summary>
    public static RootCommand BuildRoot(CliContext context)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("Modelplane: serve ONNX and MLflow models behind Databricks-compatible APIs.");
        globals.AddTo(root);
        root.Subcommands.Add(new ServeCommand(context, globals));
        root.Subcommands.Add(new QuickstartCommand(context, globals));
        root.Subcommands.Add(new ModelsCommand(context, globals));
        root.Subcommands.Add(new EndpointsCommand(context, globals));
        root.Subcommands.Add(new QueryCommand(context, globals));
        root.Subcommands.Add(new Commands.Secrets.SecretsCommand(context, globals));
        root.Subcommands.Add(new Commands.Tokens.TokensCommand(context, globals));
        root.Subcommands.Add(new Commands.Identity.UsersCommand(context, globals));
        root.Subcommands.Add(new Commands.Identity.GroupsCommand(context, globals));
        root.Subcommands.Add(new Commands.Identity.ServicePrincipalsCommand(context, globals));
        root.Subcommands.Add(new Commands.Identity.WhoamiCommand(context, globals));
        root.Subcommands.Add(new Commands.TableReads.TablesCommand(context, globals));
        root.Subcommands.Add(new Commands.Permissions.PermissionsCommand(context, globals));
        root.Subcommands.Add(new Commands.Chat.ChatCommand(context, globals));
        root.Subcommands.Add(new Commands.Sql.SqlCommand(context, globals));
        root.Subcommands.Add(new Commands.Audit.AuditCommand(context, globals));
        return root;
    }

    /// <summary>Parses and runs one command line.</summary>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="context">Streams and environment.</param>
    /// <param name="cancellationToken">Stops the command (tests); Ctrl-C also stops it.</param>
    /// <returns>The exit code.</returns>
    public static async Task<int> RunAsync(string[] args, CliContext context, CancellationToken cancellationToken = default)
    {
        var parseResult = BuildRoot(context).Parse(args);
        if (parseResult.Errors.Count > 0)
        {
            foreach (var error in parseResult.Errors)
            {
                await context.Error.WriteLineAsync("Error: " + string.Join(' ', error.Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries)));
            }

            await context.Error.WriteLineAsync($"Run '{CommandPath(parseResult.CommandResult.Command)} --help' for usage.");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = context.Out,
            Error = context.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = TimeSpan.FromSeconds(10),
        };
        return await parseResult.InvokeAsync(invocation, cancellationToken);
    }

    /// <summary>The verb as typed, e.g. <c>modelplane models register</c>.</summary>
    public static string CommandPath(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null and not RootCommand; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Insert(0, c.Name);
        }

        return string.Join(' ', ["modelplane", .. names]);
    }
}
