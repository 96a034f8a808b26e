using DuckDB.NET.Data;
using Modelplane.Sql.Ai.Query;

namespace Modelplane.Sql.Ai;

/// <summary>
/// <c>ai_query(endpoint, request [, returnType := 'VARCHAR', failOnError := true, modelParameters := NULL,
/// responseFormat := NULL])</c> (databricks-serving.md §6, on DuckDB; docs/ai-query.md): a macro over two scalar
/// functions. <c>ai_query_call(endpoint, to_json(request), options)</c> calls the endpoint for a vector of rows at once
/// (custom models and embeddings in chunks of <see cref="AiFunctionOptions.BatchRows"/>, LLM rows one call each, all in
/// flight together) and answers each row's result as JSON text; <c>json_transform</c> turns that into
/// <c>returnType</c>, whose <c>json_transform</c> structure <c>ai_query_structure(returnType, failOnError)</c> computes
/// (and checks) while the statement binds. With <c>failOnError := false</c> the result is
/// <c>STRUCT(result &lt;returnType&gt;, errorMessage VARCHAR)</c>.
/// </summary>
public static class AiQuery
{
    /// <summary>
    /// The macro: every argument but <c>endpoint</c> and <c>request</c> is a constant with a default. DuckDB binds a
    /// macro's body when it is created, and there a structure computed from a parameter is not constant, so
    /// <c>json_transform</c> would refuse it; <c>returnType || ''</c> leaves the parameter's type open at creation
    /// (<c>||</c> has several overloads), which defers that check to each call, where it is a constant.
    /// </summary>
    public const string MacroSql = """
        CREATE OR REPLACE MACRO ai_query(endpoint, request, returnType := 'VARCHAR', failOnError := true,
            modelParameters := NULL, responseFormat := NULL) AS
        json_transform(
            ai_query_call(endpoint, to_json(request), json_object('returnType', returnType, 'failOnError', failOnError,
                'modelParameters', modelParameters, 'responseFormat', responseFormat)),
            ai_query_structure(returnType || '', failOnError))
        """;

    /// <summary>Registers <c>ai_query</c> and its two functions on a session's connection.</summary>
    /// <param name="connection">The session's open connection.</param>
    /// <param name="options">Batching (<see cref="AiFunctionOptions.BatchRows"/>) and progress counters.</param>
    /// <param name="serving">The node to call; null when the session has none (a call then fails saying how to give one).</param>
    public static void Register(DuckDBConnection connection, SqlSessionOptions options, ServingCaller? serving)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        var function = new AiQueryFunction(serving, options.Ai, options.Progress);
        connection.RegisterScalarFunction<string, string, string, string>(
            "ai_query_call", function.Invoke, new ScalarFunctionOptions { HandlesNulls = true, IsPureFunction = false });
        connection.RegisterScalarFunction<string, bool, string>(
            "ai_query_structure", AiQueryReturnType.Invoke, new ScalarFunctionOptions { HandlesNulls = true, IsPureFunction = true });
        using var command = connection.CreateCommand();
        command.CommandText = MacroSql;
        command.ExecuteNonQuery();
    }
}
