using Modelplane.Cli.Output;
using Spectre.Console;

namespace Modelplane.Cli.Commands.Secrets;

/// <summary>
/// Reads a secret value for <c>put-secret</c> when no option gives it: all of standard input when it is a pipe or
/// file (exactly, as the Databricks CLI does; a trailing newline is kept and a note says so), else a hidden prompt
/// when standard input is the process's terminal. Never writes the value anywhere.
/// </summary>
internal static class SecretInput
{
    private const string Ways = "give the value with --string-value, --bytes-value, or on standard input";

    /// <summary>Reads the value.</summary>
    /// <exception cref="CliUsageException">Standard input is empty, or there is neither a pipe nor a terminal.</exception>
    public static async Task<string> ReadAsync(CliContext context, OutputWriter output, CancellationToken cancellationToken)
    {
        if (context.InputRedirected)
        {
            var piped = await context.In.ReadToEndAsync(cancellationToken);
            if (piped.Length == 0)
            {
                throw new CliUsageException($"Standard input is empty; {Ways}.");
            }

            if (piped.EndsWith('\n'))
            {
                output.Info("Note: the value read from standard input ends with a newline, which is stored as part of it (use 'printf %s' or 'echo -n' to leave it out).");
            }

            return piped;
        }

        if (ReferenceEquals(context.In, Console.In) && !Console.IsInputRedirected)
        {
            return await PromptAsync(context, cancellationToken);
        }

        throw new CliUsageException($"No secret value: {Ways}.");
    }

    /// <summary>Asks on standard error; typing is not echoed (Spectre secret prompt without a mask).</summary>
    private static Task<string> PromptAsync(CliContext context, CancellationToken cancellationToken)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Error),
            Interactive = InteractionSupport.Yes,
        });
        var prompt = new TextPrompt<string>("Secret value (input hidden):").Secret(null);
        return prompt.ShowAsync(console, cancellationToken);
    }
}
