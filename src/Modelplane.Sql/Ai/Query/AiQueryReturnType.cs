using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using DuckDB.NET.Data.DataChunk.Reader;
using DuckDB.NET.Data.DataChunk.Writer;

namespace Modelplane.Sql.Ai.Query;

/// <summary>
/// <c>ai_query</c>'s <c>returnType</c>: a DuckDB type name (<c>'DOUBLE'</c>, <c>'FLOAT[]'</c>,
/// <c>'STRUCT(label VARCHAR, score DOUBLE)'</c>), a Databricks one (<c>'ARRAY&lt;FLOAT&gt;'</c>,
/// <c>'STRUCT&lt;label: STRING, score: DOUBLE&gt;'</c>, see <see cref="AiQueryTypeNames"/>) or a <c>json_transform</c> structure (<c>'{"label": "VARCHAR"}'</c>,
/// <c>'["FLOAT"]'</c>); NULL means VARCHAR. A type name is a structure once quoted as a JSON string, since
/// <c>json_transform</c> parses its leaves with DuckDB's type parser. Each spelling is checked once per process on a
/// private in-memory DuckDB (no data, no file access), so a bad one fails the statement with a message naming the argument.
/// </summary>
internal sealed class AiQueryReturnType
{
    private static readonly ConcurrentDictionary<string, AiQueryReturnType> Known = new(StringComparer.Ordinal);
    private static readonly Lock ScratchGate = new();
    private const int MaxKnown = 256;
    private static DuckDBConnection? scratch;

    private AiQueryReturnType(JsonNode structure, bool isText)
    {
        Structure = structure;
        IsText = isText;
    }

    /// <summary>The <c>json_transform</c> structure of the result, e.g. <c>"DOUBLE"</c> or <c>{"label": "VARCHAR"}</c>.</summary>
    public JsonNode Structure { get; }

    /// <summary>True when the result is text (VARCHAR): a chat answer is then kept as a string, never parsed as JSON.</summary>
    public bool IsText { get; }

    /// <summary>The checked type of a <c>returnType</c> argument.</summary>
    /// <param name="returnType">The argument; null for VARCHAR.</param>
    /// <exception cref="AiQueryException">Not a type DuckDB knows, nor a valid structure.</exception>
    public static AiQueryReturnType Of(string? returnType)
    {
        if (Known.Count > MaxKnown)
        {
            Known.Clear(); // A statement can pass a different returnType per row: keep the cache bounded.
        }

        return Known.GetOrAdd(returnType?.Trim() ?? "VARCHAR", Check);
    }

    /// <summary>
    /// <c>ai_query_structure(returnType VARCHAR, failOnError BOOLEAN) → VARCHAR</c>, folded while the statement binds:
    /// the structure of <c>returnType</c>, or of <c>{"result": …, "errorMessage": "VARCHAR"}</c> when failOnError is false.
    /// </summary>
    public static void Invoke(IReadOnlyList<IDuckDBDataReader> readers, IDuckDBDataWriter writer, ulong count)
    {
        for (ulong i = 0; i < count; i++)
        {
            var type = Of(readers[0].IsValid(i) ? readers[0].GetValue<string>(i) : null);
            var failOnError = !readers[1].IsValid(i) || readers[1].GetValue<bool>(i);
            var structure = failOnError ? type.Structure
                : new JsonObject { ["result"] = type.Structure.DeepClone(), ["errorMessage"] = "VARCHAR" };
            writer.WriteValue(structure.ToJsonString(), i);
        }
    }

    private static AiQueryReturnType Check(string returnType)
    {
        JsonNode structure;
        if (returnType.StartsWith('{') || returnType.StartsWith('['))
        {
            try
            {
                structure = JsonNode.Parse(returnType)!;
            }
            catch (JsonException e)
            {
                throw new AiQueryException($"ai_query: argument 'returnType' '{returnType}' is neither a DuckDB type nor valid JSON (a json_transform structure): {e.Message}");
            }
        }
        else
        {
            structure = JsonValue.Create(AiQueryTypeNames.ToDuckDb(returnType));
        }

        Validate(returnType, structure.ToJsonString());
        var isText = structure.GetValueKind() == JsonValueKind.String
            && structure.GetValue<string>().ToUpperInvariant() is "VARCHAR" or "STRING" or "TEXT" or "CHAR" or "BPCHAR" or "JSON";
        return new AiQueryReturnType(structure, isText);
    }

    private static void Validate(string returnType, string structure)
    {
        lock (ScratchGate)
        {
            if (scratch is null)
            {
                scratch = new DuckDBConnection("DataSource=:memory:");
                scratch.Open();
                Run("SET enable_external_access = false; SET lock_configuration = true");
            }

            try
            {
                Run($"SELECT json_transform('null', '{structure.Replace("'", "''", StringComparison.Ordinal)}')");
            }
            catch (DuckDBException e)
            {
                throw new AiQueryException($"ai_query: argument 'returnType' '{returnType}' is not a type ai_query can return: {e.Message.Trim()}");
            }
        }
    }

    private static void Run(string sql)
    {
        using var command = scratch!.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>An <c>ai_query</c> error that fails the statement (DuckDB shows the message as an Invalid Input Error).</summary>
/// <param name="message">What went wrong, naming the argument or endpoint at fault.</param>
/// <param name="inner">The cause, if any.</param>
internal sealed class AiQueryException(string message, Exception? inner = null) : Exception(message, inner);
