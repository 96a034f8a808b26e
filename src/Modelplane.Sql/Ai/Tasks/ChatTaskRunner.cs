using System.Text.Json.Nodes;
using DuckDB.NET.Data.DataChunk.Reader;
using DuckDB.NET.Data.DataChunk.Writer;

namespace Modelplane.Sql.Ai.Tasks;

/// <summary>
/// Runs a chat task over one DuckDB vector: a row with a NULL argument is NULL without a call; the others are one chat
/// call each, all sent at once (<see cref="ServingCaller"/> bounds how many are in flight) and awaited before the
/// callback returns.
/// </summary>
internal static class ChatTaskRunner
{
    /// <summary>The callback of <c>&lt;name&gt;_impl(input[, to_json(extra)], failOnError)</c>.</summary>
    public static void Run(ChatTask task, TaskContext context, IReadOnlyList<IDuckDBDataReader> readers, IDuckDBDataWriter writer, ulong count)
    {
        var failReader = readers[^1];
        var rows = new List<(TaskRow Row, string Input, string? Extra)>();
        for (ulong i = 0; i < count; i++)
        {
            if (!readers[0].IsValid(i) || (task.Extra is not null && !readers[1].IsValid(i)))
            {
                writer.WriteNull(i);
                continue;
            }

            var fail = failReader.IsValid(i) && failReader.GetValue<bool>(i);
            rows.Add((new TaskRow(i, fail), readers[0].GetValue<string>(i), task.Extra is null ? null : readers[1].GetValue<string>(i)));
        }

        if (rows.Count == 0)
        {
            return;
        }

        var endpoint = context.ChatEndpoint(task.Name);
        var serving = context.Serving(task.Name);
        // Every row's second argument is read before any call goes out: a wrong one fails the statement at once.
        var bound = new Dictionary<string, BoundTask>(StringComparer.Ordinal);
        var specs = rows.Select(r =>
        {
            var key = r.Extra ?? "";
            if (!bound.TryGetValue(key, out var spec))
            {
                bound[key] = spec = task.Bind(r.Extra is null ? null : JsonNode.Parse(r.Extra));
            }

            return spec;
        }).ToList();
        var calls = rows.Select((r, k) => AnswerAsync(serving, endpoint, specs[k], r.Row, r.Input)).ToList();
        Task.WhenAll(calls).GetAwaiter().GetResult();
        TaskRow.Write(task.Name, [.. rows.Select(r => r.Row)], writer, context.Options.Progress);
    }

    private static async Task AnswerAsync(ServingCaller serving, string endpoint, BoundTask spec, TaskRow row, string input)
    {
        var prompt = spec.Prompt(input);
        try
        {
            var answer = await serving.InvokeAsync(endpoint, LlmBodies.Chat(prompt.User, null, prompt.ResponseFormat, prompt.System), CancellationToken.None);
            row.Result = spec.Parse(LlmBodies.ChatContent(answer));
        }
        catch (Exception e) // Nothing cancels these calls: a TaskCanceledException is the HTTP timeout, the row's error too.
        {
            row.Error = TaskContext.CallError(endpoint, e);
        }
    }
}
