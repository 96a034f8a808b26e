using System.Text.Json;
using Modelplane.Client;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Modelplane.Cli.Output;

/// <summary>
/// Writes a command's one result to standard output: with <c>--output json</c> exactly one JSON document
/// (snake_case, indented), with <c>--output table</c> a Spectre.Console rendering. Human messages go to standard
/// error through <see cref="Info"/>, whatever the format.
/// </summary>
internal sealed class OutputWriter(CliContext context, string format)
{
    private IAnsiConsole? console;

    /// <summary>Whether <c>--output json</c> was chosen.</summary>
    public bool IsJson { get; } = format == Commands.OutputFormats.Json;

    /// <summary>A Spectre console over standard output (no colours unless it is a terminal).</summary>
    public IAnsiConsole Console => console ??= CreateConsole();

    /// <summary>Width of tables when standard output is not a terminal (pipes, files, tests).</summary>
    private const int RedirectedWidth = 200;

    private IAnsiConsole CreateConsole()
    {
        var terminal = ReferenceEquals(context.Out, System.Console.Out) && !System.Console.IsOutputRedirected;
        var created = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Out),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!terminal)
        {
            created.Profile.Width = RedirectedWidth;
        }

        return created;
    }

    /// <summary>Writes <paramref name="value"/> as JSON, or <paramref name="table"/>'s rendering for people.</summary>
    public void Write<T>(T value, Func<T, IRenderable> table)
    {
        if (IsJson)
        {
            WriteJson(value);
        }
        else
        {
            Console.Write(table(value));
        }
    }

    /// <summary>Writes one JSON document to standard output.</summary>
    public void WriteJson<T>(T value)
    {
        context.Out.WriteLine(JsonSerializer.Serialize(value, ModelplaneJson.Indented));
        context.Out.Flush();
    }

    /// <summary>Writes <paramref name="value"/> as JSON with <c>--output json</c>; nothing in table mode.</summary>
    public void WriteJsonOnly<T>(T value)
    {
        if (IsJson)
        {
            WriteJson(value);
        }
    }

    /// <summary>Writes plain text to standard output (table mode only: logs, examples).</summary>
    public void WriteText(string text)
    {
        context.Out.Write(text);
        if (!text.EndsWith('\n'))
        {
            context.Out.WriteLine();
        }

        context.Out.Flush();
    }

    /// <summary>Writes a human message to standard error.</summary>
    public void Info(string message)
    {
        context.Error.WriteLine(message);
        context.Error.Flush();
    }
}
