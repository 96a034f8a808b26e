using System.Text.Json.Nodes;
using DuckDB.NET.Data.DataChunk.Reader;
using DuckDB.NET.Data.DataChunk.Writer;

namespace Modelplane.Sql.Ai.Query;

/// <summary>
/// <c>ai_query_call(endpoint VARCHAR, request VARCHAR (to_json of the request), options VARCHAR) → VARCHAR</c>: one
/// DuckDB vector (up to 2048 rows) per invocation. Rows with a NULL argument answer NULL without a call; the rest are
/// grouped by endpoint (and options) and all groups' calls run at once; the callback waits for them (it is
/// synchronous). Each row answers its result as JSON text (failOnError) or <c>{"result": …, "errorMessage": …}</c>.
/// </summary>
internal sealed class AiQueryFunction(ServingCaller? serving, AiFunctionOptions options, SqlProgress progress)
{
    /// <summary>The error when the session has no node to call.</summary>
    public const string NoNode = "ai_query needs a node: run modelplane sql with --host/--token or MODELPLANE_HOST/MODELPLANE_TOKEN.";

    /// <summary>The scalar function's callback.</summary>
    /// <exception cref="AiQueryException">A statement-level error, or a failed row under <c>failOnError := true</c>.</exception>
    public void Invoke(IReadOnlyList<IDuckDBDataReader> readers, IDuckDBDataWriter writer, ulong count)
    {
        var rows = new List<(AiQueryRow Row, string Options)>();
        for (ulong i = 0; i < count; i++)
        {
            if (!readers[0].IsValid(i) || !readers[1].IsValid(i) || !readers[2].IsValid(i))
            {
                writer.WriteNull(i); // NULL in, NULL out, no call.
                continue;
            }

            rows.Add((new AiQueryRow((int)i, readers[0].GetValue<string>(i), readers[1].GetValue<string>(i)), readers[2].GetValue<string>(i)));
        }

        if (rows.Count == 0)
        {
            return;
        }

        var caller = serving ?? throw new AiQueryException(NoNode);
        var groups = rows.GroupBy(r => (r.Row.Endpoint, r.Options))
            .Select(g => (g.Key.Endpoint, Arguments: AiQueryArguments.Parse(g.Key.Options), Rows: g.Select(r => r.Row).ToList()))
            .ToList();
        var outcomes = new AiQueryOutcome?[count];
        using var failFast = new CancellationTokenSource();
        var calls = new AiQueryCalls(caller, options, progress, failFast);
        Task.WhenAll(groups.Select(g => calls.RunAsync(g.Endpoint, g.Arguments, g.Rows, outcomes))).GetAwaiter().GetResult();

        var firstError = groups.Where(g => g.Arguments.FailOnError).SelectMany(g => g.Rows)
            .Select(r => outcomes[r.Index]).Where(o => o?.Error is not null).MinBy(o => o!.Row);
        if (firstError is not null)
        {
            throw new AiQueryException(firstError.Error!);
        }

        foreach (var (_, arguments, group) in groups)
        {
            foreach (var row in group)
            {
                var outcome = outcomes[row.Index] ?? AiQueryOutcome.Failed(row, $"ai_query: endpoint '{row.Endpoint}' gave no answer for this row.");
                if (arguments.FailOnError && outcome.Error is not null)
                {
                    throw new AiQueryException(outcome.Error);
                }

                var json = arguments.FailOnError
                    ? outcome.Result?.ToJsonString() ?? "null"
                    : new JsonObject { ["result"] = outcome.Result?.DeepClone(), ["errorMessage"] = outcome.Error }.ToJsonString();
                writer.WriteValue(json, (ulong)row.Index);
            }
        }
    }
}

/// <summary>One non-NULL row of a vector.</summary>
/// <param name="Index">Its position in the vector.</param>
/// <param name="Endpoint">The endpoint to call.</param>
/// <param name="Request">The request as <c>to_json</c> wrote it: an object for a STRUCT, a JSON string for text.</param>
internal sealed record AiQueryRow(int Index, string Endpoint, string Request);

/// <summary>A row's answer: its result as JSON, or the error that replaced it.</summary>
/// <param name="Row">The row's position in the vector.</param>
/// <param name="Result">The result (JSON null for none).</param>
/// <param name="Error">The error message, naming the endpoint; null on success.</param>
internal sealed record AiQueryOutcome(int Row, JsonNode? Result, string? Error)
{
    /// <summary>A row answered.</summary>
    public static AiQueryOutcome Ok(AiQueryRow row, JsonNode? result) => new(row.Index, result, null);

    /// <summary>A row failed.</summary>
    public static AiQueryOutcome Failed(AiQueryRow row, string error) => new(row.Index, null, error);
}
