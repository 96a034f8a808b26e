using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Client;

namespace Modelplane.Sql.Ai.Query;

/// <summary>
/// The model calls of one vector, per endpoint group, through <see cref="ServingCaller"/> (which bounds concurrency and
/// retries 429/503). By the endpoint's task: custom models get one <c>dataframe_split</c> per chunk of
/// <see cref="AiFunctionOptions.BatchRows"/> rows (answer <c>predictions[i]</c> per row), embeddings one <c>input</c>
/// array per chunk, chat and completions one call per row, all started at once. A failed call sets the error of its
/// rows; under <c>failOnError</c> it also cancels the vector's other calls.
/// </summary>
internal sealed class AiQueryCalls(ServingCaller caller, AiFunctionOptions options, SqlProgress progress, CancellationTokenSource failFast)
{
    /// <summary>Calls <paramref name="endpoint"/> for <paramref name="rows"/>, writing each row's outcome.</summary>
    /// <exception cref="AiQueryException">The endpoint cannot be read, or the arguments do not fit its task.</exception>
    public async Task RunAsync(string endpoint, AiQueryArguments arguments, IReadOnlyList<AiQueryRow> rows, AiQueryOutcome?[] outcomes)
    {
        string? task;
        try
        {
            task = await caller.TaskOfAsync(endpoint, CancellationToken.None); // Cached per statement: not cancellable.
            CheckFits(endpoint, task, arguments);
        }
        catch (Exception e) when (e is ModelplaneApiException or HttpRequestException or AiQueryException)
        {
            await failFast.CancelAsync();
            throw e as AiQueryException ?? new AiQueryException(Describe(endpoint, e)!, e);
        }

        var calls = task switch
        {
            null => rows.Chunk(Math.Max(1, options.BatchRows)).Select(chunk => CustomModelAsync(endpoint, arguments, chunk, outcomes)),
            LlmBodies.EmbeddingsTask => rows.Chunk(Math.Max(1, options.BatchRows)).Select(chunk => EmbeddingsAsync(endpoint, arguments, chunk, outcomes)),
            _ => rows.Select(row => LlmAsync(endpoint, task, arguments, row, outcomes)),
        };
        await Task.WhenAll(calls);
    }

    private static void CheckFits(string endpoint, string? task, AiQueryArguments arguments)
    {
        if (task is not (null or LlmBodies.ChatTask or LlmBodies.CompletionsTask or LlmBodies.EmbeddingsTask))
        {
            throw new AiQueryException($"ai_query: endpoint '{endpoint}' serves task '{task}', which ai_query cannot call.");
        }

        if (arguments.ResponseFormat is not null && task != LlmBodies.ChatTask)
        {
            throw new AiQueryException($"ai_query: argument 'responseFormat' applies to chat endpoints only; '{endpoint}' serves {task ?? "a custom model"}.");
        }
    }

    private Task CustomModelAsync(string endpoint, AiQueryArguments arguments, AiQueryRow[] chunk, AiQueryOutcome?[] outcomes)
    {
        var rows = new List<AiQueryRow>(chunk.Length);
        var records = new List<List<(string Name, byte[] Value)>>(chunk.Length);
        foreach (var row in chunk)
        {
            if (AiQueryRecords.Read(row.Request) is { } record)
            {
                rows.Add(row);
                records.Add(record);
            }
            else
            {
                Fail(arguments, [row], outcomes, $"ai_query: argument 'request' for custom-model endpoint '{endpoint}' must be a STRUCT of the model's columns or a JSON object string; got {Start(row.Request)}.");
            }
        }

        var body = AiQueryRecords.DataframeSplit(records, arguments.ModelParameters);
        return SendAsync(endpoint, arguments, rows, body, AiQueryRecords.Predictions, outcomes);
    }

    private Task EmbeddingsAsync(string endpoint, AiQueryArguments arguments, AiQueryRow[] chunk, AiQueryOutcome?[] outcomes)
    {
        var inputs = new List<(AiQueryRow Row, string Text)>();
        foreach (var row in chunk)
        {
            if (AiQueryRequests.Text(row) is { } text)
            {
                inputs.Add((row, text));
            }
            else
            {
                Fail(arguments, [row], outcomes, $"ai_query: argument 'request' for embeddings endpoint '{endpoint}' must be a string; got {Start(row.Request)}.");
            }
        }

        var body = LlmBodies.Embeddings(inputs.Select(i => i.Text), arguments.ModelParameters);
        return SendAsync(endpoint, arguments, [.. inputs.Select(i => i.Row)], body,
            (answer, count) => [.. LlmBodies.EmbeddingVectors(answer, count).Select(v => (JsonNode?)new JsonArray([.. v.Select(f => JsonValue.Create(f))]))], outcomes);
    }

    private Task LlmAsync(string endpoint, string task, AiQueryArguments arguments, AiQueryRow row, AiQueryOutcome?[] outcomes)
    {
        var chat = task == LlmBodies.ChatTask;
        if (AiQueryRequests.LlmBody(row, chat, arguments) is not { } body)
        {
            Fail(arguments, [row], outcomes, chat
                ? $"ai_query: argument 'request' for chat endpoint '{endpoint}' must be a string (the user message) or a STRUCT with 'messages'; got {Start(row.Request)}."
                : $"ai_query: argument 'request' for completions endpoint '{endpoint}' must be a string (the prompt); got {Start(row.Request)}.");
            return Task.CompletedTask;
        }

        return SendAsync(endpoint, arguments, [row], body, (answer, _) =>
            [chat ? AiQueryRequests.ChatResult(LlmBodies.ChatContent(answer), arguments.ReturnType) : JsonValue.Create(LlmBodies.CompletionText(answer))], outcomes);
    }

    private async Task SendAsync(string endpoint, AiQueryArguments arguments, IReadOnlyList<AiQueryRow> rows, string body,
        Func<JsonElement, int, JsonNode?[]> read, AiQueryOutcome?[] outcomes)
    {
        if (rows.Count == 0 || failFast.IsCancellationRequested)
        {
            return;
        }

        try
        {
            var answer = await caller.InvokeAsync(endpoint, body, failFast.Token);
            var results = read(answer, rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                outcomes[rows[i].Index] = AiQueryOutcome.Ok(rows[i], results[i]);
            }

            progress.AddRows(rows.Count, 0);
        }
        catch (OperationCanceledException) when (failFast.IsCancellationRequested)
        {
            // Another row failed under failOnError: the statement fails with that row's message.
        }
        catch (Exception e) when (Describe(endpoint, e) is { } message)
        {
            Fail(arguments, rows, outcomes, message);
        }
    }

    private void Fail(AiQueryArguments arguments, IReadOnlyList<AiQueryRow> rows, AiQueryOutcome?[] outcomes, string message)
    {
        foreach (var row in rows)
        {
            outcomes[row.Index] = AiQueryOutcome.Failed(row, message);
        }

        progress.AddRows(rows.Count, rows.Count);
        if (arguments.FailOnError)
        {
            failFast.Cancel();
        }
    }

    /// <summary>The row error for a failed call: the node's status, code and message, naming the endpoint.</summary>
    private static string? Describe(string endpoint, Exception e) => e switch
    {
        ModelplaneApiException api => $"ai_query: endpoint '{endpoint}' answered {(int)api.StatusCode} {api.ErrorCode}: {api.Message}",
        InvalidDataException or JsonException or InvalidOperationException or ArgumentException or FormatException or OverflowException or KeyNotFoundException or IndexOutOfRangeException
            => $"ai_query: endpoint '{endpoint}' answered a document ai_query cannot read: {e.Message}",
        HttpRequestException => $"ai_query: endpoint '{endpoint}' could not be reached: {e.Message}",
        TaskCanceledException => $"ai_query: endpoint '{endpoint}' did not answer in time.",
        _ => null,
    };

    private static string Start(string text) => text.Length > 100 ? text[..100] + "…" : text;
}
