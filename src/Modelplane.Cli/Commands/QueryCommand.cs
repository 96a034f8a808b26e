using System.CommandLine;
using Modelplane.Cli.Output;
using Modelplane.Client;

namespace Modelplane.Cli.Commands;

/// <summary>
/// <c>modelplane query &lt;endpoint&gt; --data '&lt;json&gt;' | --file F | (standard input)</c>: sends one query to
/// <c>/serving-endpoints/{name}/invocations</c> (databricks-serving.md §2.1). A <c>.csv</c> file is sent as
/// <c>text/csv</c>; standard input is sent as JSON when it starts with <c>{</c> or <c>[</c>, else as CSV. JSON output
/// is the answer body as sent (<c>{"predictions": ...}</c>); table output shows the predictions as rows. An LLM
/// endpoint takes an OpenAI body without <c>model</c> (<c>--json '{"messages": [...]}'</c>, <c>--json</c> being the
/// Databricks CLI's name for <c>--data</c>) and answers a <c>chat.completion</c>, printed as JSON in both formats;
/// for streamed answers use <c>modelplane chat</c>.
/// </summary>
internal sealed class QueryCommand : BaseCommand
{
    private readonly Argument<string> endpointName = CommonArguments.EndpointName();
    private readonly Option<string?> data = new("--data", "-d", "--json")
    {
        Description = "The JSON request body: dataframe_split, dataframe_records, instances or inputs; for an LLM endpoint an OpenAI body ({\"messages\": [...]}).",
    };
    private readonly Option<string?> file = new("--file", "-f") { Description = "A file holding the body; .csv files are sent as text/csv." };

    public QueryCommand(CliContext context, GlobalOptions globals)
        : base("query", "Query a serving endpoint.", context, globals)
    {
        Arguments.Add(endpointName);
        Options.Add(data);
        Options.Add(file);
        Validators.Add(result =>
        {
            if (result.GetResult(data) is not null && result.GetResult(file) is not null)
            {
                result.AddError("Give the body with --data or --file, not both.");
            }
        });
    }

    protected override async Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        var (body, mediaType) = await ReadBodyAsync(parseResult, cancellationToken);
        var output = CreateOutput(parseResult);
        using var client = CreateClient(parseResult);
        var answer = await client.QueryAsync(parseResult.GetRequiredValue(endpointName), body, mediaType, cancellationToken);
        if (output.IsJson)
        {
            output.WriteJson(answer.Body);
        }
        else
        {
            output.Info($"Served by {answer.ServedModelName ?? "?"} (request id {answer.RequestId ?? "?"}).");
            output.Console.Write(PredictionTables.Render(answer.Body));
        }

        return ExitCodes.Success;
    }

    private async Task<(string Body, string MediaType)> ReadBodyAsync(ParseResult parseResult, CancellationToken ct)
    {
        if (parseResult.GetValue(data) is { } text)
        {
            return (text, ModelplaneClient.JsonMediaType);
        }

        if (parseResult.GetValue(file) is { } path)
        {
            var content = await File.ReadAllTextAsync(Context.ResolvePath(path), ct);
            var csv = string.Equals(Path.GetExtension(path), ".csv", StringComparison.OrdinalIgnoreCase);
            return (content, csv ? ModelplaneClient.CsvMediaType : ModelplaneClient.JsonMediaType);
        }

        if (!Context.InputRedirected)
        {
            throw new CliUsageException("Give the query body with --data, --file, or on standard input.");
        }

        var input = await Context.In.ReadToEndAsync(ct);
        if (string.IsNullOrWhiteSpace(input))
        {
            throw new CliUsageException("Standard input is empty; give the query body with --data, --file, or on standard input.");
        }

        var first = input.TrimStart().FirstOrDefault();
        return (input, first is '{' or '[' ? ModelplaneClient.JsonMediaType : ModelplaneClient.CsvMediaType);
    }
}
