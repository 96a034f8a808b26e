using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Cli.Commands.Chat;

/// <summary>
/// The arguments and options of <c>modelplane chat</c> and the OpenAI request they make: <c>&lt;endpoint&gt;</c>,
/// <c>[message]</c>, <c>--system</c>, <c>--max-tokens</c> (≥ 1, sent as <c>max_tokens</c>), <c>--temperature</c>
/// (0–2, OpenAI's range) and <c>--no-stream</c>. An out-of-range number is a usage error (exit 2).
/// </summary>
internal sealed class ChatOptions
{
    /// <summary>The serving endpoint (task <c>llm/v1/chat</c>).</summary>
    public Argument<string> Endpoint { get; } = CommonArguments.EndpointName();

    /// <summary>The user message; when absent, standard input.</summary>
    public Argument<string?> Message { get; } = new("message")
    {
        Description = "The user message (default: standard input).",
        Arity = ArgumentArity.ZeroOrOne,
    };

    /// <summary>A system message sent before the user message.</summary>
    public Option<string?> System { get; } = new("--system") { Description = "A system message sent before yours." };

    /// <summary><c>max_tokens</c>.</summary>
    public Option<int?> MaxTokens { get; } = new("--max-tokens") { Description = "Most tokens to generate (max_tokens), 1 or more." };

    /// <summary><c>temperature</c>.</summary>
    public Option<double?> Temperature { get; } = new("--temperature") { Description = "Sampling temperature, 0 to 2." };

    /// <summary>Wait for the whole answer instead of streaming it.</summary>
    public Option<bool> NoStream { get; } = new("--no-stream") { Description = "Wait for the whole answer instead of printing it as it is generated." };

    /// <summary>Adds everything to <paramref name="command"/>, with the range checks.</summary>
    public void AddTo(Command command)
    {
        command.Arguments.Add(Endpoint);
        command.Arguments.Add(Message);
        command.Options.Add(System);
        command.Options.Add(MaxTokens);
        command.Options.Add(Temperature);
        command.Options.Add(NoStream);
        MaxTokens.Validators.Add(result =>
        {
            if (CommonArguments.IntToken(result) is < 1)
            {
                result.AddError("--max-tokens must be 1 or more.");
            }
        });
        Temperature.Validators.Add(result =>
        {
            if (DoubleToken(result) is { } t && (t < 0 || t > 2 || double.IsNaN(t)))
            {
                result.AddError("--temperature must be between 0 and 2.");
            }
        });
    }

    /// <summary>The request: an optional system message, then the user message, with the options given.</summary>
    /// <param name="parseResult">The parsed command line.</param>
    /// <param name="message">The user message text.</param>
    public ChatCompletionRequest ToRequest(ParseResult parseResult, string message)
    {
        var messages = new List<ChatMessage>();
        if (parseResult.GetValue(System) is { } system)
        {
            messages.Add(new ChatMessage { Role = "system", Content = system });
        }

        messages.Add(new ChatMessage { Role = "user", Content = message });
        return new ChatCompletionRequest
        {
            Messages = messages,
            MaxTokens = parseResult.GetValue(MaxTokens),
            Temperature = parseResult.GetValue(Temperature),
        };
    }

    /// <summary>The number the user typed, or null when none or not a number (the parser reports that itself).</summary>
    private static double? DoubleToken(SymbolResult result) =>
        result.Tokens.Count == 1 && double.TryParse(result.Tokens[0].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;
}
