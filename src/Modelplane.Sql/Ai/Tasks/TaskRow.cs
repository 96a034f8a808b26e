using System.Text.Json.Nodes;
using DuckDB.NET.Data.DataChunk.Writer;

namespace Modelplane.Sql.Ai.Tasks;

/// <summary>One non-NULL row of a vector and, once answered, its result or error.</summary>
/// <param name="Index">Row index in the vector.</param>
/// <param name="FailOnError">The row's <c>failOnError</c> (NULL counts as false, as the macro's result type does).</param>
internal sealed class TaskRow(ulong Index, bool FailOnError)
{
    public ulong Index { get; } = Index;

    public bool FailOnError { get; } = FailOnError;

    /// <summary>The result as JSON (a string, or a number for <c>ai_similarity</c>).</summary>
    public JsonNode? Result { get; set; }

    /// <summary>What went wrong, without the function's name; null when the row has a result.</summary>
    public string? Error { get; set; }

    /// <summary>
    /// Writes the rows as the JSON the macro's <c>json_transform</c> reads: the result itself when <c>failOnError</c>,
    /// else <c>{"result": …, "errorMessage": …}</c>; counts them in <paramref name="progress"/>. The first row whose
    /// error must fail the statement is thrown, after every row is counted.
    /// </summary>
    /// <exception cref="InvalidOperationException">"<c>&lt;function&gt;: &lt;error&gt;</c>" of the first such row.</exception>
    public static void Write(string function, IReadOnlyList<TaskRow> rows, IDuckDBDataWriter writer, SqlProgress progress)
    {
        string? fatal = null;
        foreach (var row in rows)
        {
            if (row.Error is not null && row.FailOnError)
            {
                fatal ??= row.Error;
                continue;
            }

            var json = row.FailOnError
                ? row.Result!.ToJsonString()
                : new JsonObject { ["result"] = row.Result?.DeepClone(), ["errorMessage"] = row.Error is null ? null : $"{function}: {row.Error}" }.ToJsonString();
            writer.WriteValue(json, row.Index);
        }

        progress.AddRows(rows.Count, rows.Count(r => r.Error is not null));
        if (fatal is not null)
        {
            throw new InvalidOperationException($"{function}: {fatal}");
        }
    }
}
