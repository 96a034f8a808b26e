using DuckDB.NET.Data;

namespace Modelplane.Sql.Ai;

/// <summary>
/// Registers the AI functions on a session's connection: <c>ai_query</c> (databricks-serving.md §6) and the task
/// functions (<c>ai_gen</c>, <c>ai_summarize</c>, <c>ai_translate</c>, <c>ai_classify</c>, <c>ai_extract</c>,
/// <c>ai_analyze_sentiment</c>, <c>ai_fix_grammar</c>, <c>ai_mask</c>, <c>ai_similarity</c>).
/// </summary>
public static class AiFunctions
{
    /// <summary>Registers every AI function.</summary>
    /// <param name="connection">The session's open connection.</param>
    /// <param name="options">The session's settings (batching, default endpoints, progress).</param>
    /// <param name="serving">The node to call; null when the session has none (calls then fail saying how to give one).</param>
    public static void Register(DuckDBConnection connection, SqlSessionOptions options, ServingCaller? serving)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        AiQuery.Register(connection, options, serving);
        Tasks.TaskFunctions.Register(connection, options, serving);
    }
}
