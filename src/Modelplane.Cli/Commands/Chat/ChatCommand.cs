using System.CommandLine;
using System.Text.Json;
using Modelplane.Abstractions.Llm;
using Modelplane.Cli.Output;

namespace Modelplane.Cli.Commands.Chat;

/// <summary>
/// <c>modelplane chat &lt;endpoint&gt; [message] [--system S] [--max-tokens N] [--temperature T] [--no-stream]</c>:
/// one chat turn with an LLM serving endpoint, <c>POST /serving-endpoints/chat/completions</c> (<c>model</c> = the endpoint) with an OpenAI
/// chat body (databricks-serving.md §2.2). The message is the argument, else all of standard input when it is piped.
/// By default the answer is streamed (<c>stream: true</c>, <c>stream_options.include_usage: true</c>) and each text
/// delta is written to standard output as it arrives; <c>--no-stream</c> waits for the whole answer. Afterwards
/// standard error gets <c>prompt N, completion M tokens</c> (see <see cref="ChatUsageLine"/>). With <c>-o json</c>
/// the request is not streamed and standard output is the <c>chat.completion</c> as one JSON document. Exit codes:
/// 0; 1 for a node error (unknown endpoint, a provider failure, also one in the middle of a stream, after the text
/// that came before it); 2 for usage mistakes (no message, a number out of range).
/// </summary>
internal sealed class ChatCommand : BaseCommand
{
    private readonly ChatOptions options = new();
    private bool atLineStart = true;

    public ChatCommand(CliContext context, GlobalOptions globals)
        : base("chat", "Send a message to an LLM serving endpoint and print the answer as it is generated.", context, globals)
    {
        options.AddTo(this);
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var request = options.ToRequest(parseResult, await ReadMessageAsync(parseResult, cancellationToken));
        var endpoint = parseResult.GetRequiredValue(options.Endpoint);
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        if (output.IsJson || parseResult.GetValue(options.NoStream))
        {
            var answer = await client.ChatAsync(endpoint, request, cancellationToken);
            if (output.IsJson)
            {
                output.WriteJson(JsonSerializer.SerializeToElement(answer.Completion, LlmJson.Options));
            }
            else
            {
                WriteText(answer.Completion.Choices.FirstOrDefault()?.Message is { } message
                    ? message.Content?.AllText() ?? message.Refusal ?? ""
                    : "");
                EndLine();
            }

            WriteUsage(output, answer.Completion.Usage, answer.UsageEstimated);
            return ExitCodes.Success;
        }

        request.StreamOptions = new StreamOptions { IncludeUsage = true };
        Usage? usage = null;
        try
        {
            await foreach (var chunk in client.StreamChatAsync(endpoint, request, cancellationToken))
            {
                usage = chunk.Usage ?? usage;
                foreach (var choice in chunk.Choices.Where(c => c.Index == 0 && c.Delta is not null))
                {
                    WriteText(choice.Delta!.Content + choice.Delta.Refusal);
                }
            }
        }
        finally
        {
            EndLine();
        }

        WriteUsage(output, usage, estimated: false);
        return ExitCodes.Success;
    }

    /// <summary>Writes answer text to standard output and flushes, so a terminal shows it as it comes.</summary>
    private void WriteText(string text)
    {
        if (text.Length == 0)
        {
            return;
        }

        Context.Out.Write(text);
        Context.Out.Flush();
        atLineStart = text.EndsWith('\n');
    }

    /// <summary>Ends the answer's last line, if it has text.</summary>
    private void EndLine()
    {
        if (!atLineStart)
        {
            Context.Out.WriteLine();
            Context.Out.Flush();
            atLineStart = true;
        }
    }

    private static void WriteUsage(OutputWriter output, Usage? usage, bool estimated)
    {
        if (ChatUsageLine.Format(usage, estimated) is { } line)
        {
            output.Info(line);
        }
    }

    /// <summary>The message argument, else standard input when piped (one trailing newline dropped).</summary>
    /// <exception cref="CliUsageException">No message given, or standard input is empty.</exception>
    private async Task<string> ReadMessageAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        if (parseResult.GetValue(options.Message) is { } message)
        {
            return string.IsNullOrWhiteSpace(message) ? throw new CliUsageException("The message is empty.") : message;
        }

        if (!Context.InputRedirected)
        {
            throw new CliUsageException("Give the message as an argument or on standard input.");
        }

        var input = await Context.In.ReadToEndAsync(cancellationToken);
        return string.IsNullOrWhiteSpace(input)
            ? throw new CliUsageException("Standard input is empty; give the message as an argument or on standard input.")
            : input.EndsWith("\r\n", StringComparison.Ordinal) ? input[..^2]
            : input.EndsWith('\n') ? input[..^1]
            : input;
    }
}
