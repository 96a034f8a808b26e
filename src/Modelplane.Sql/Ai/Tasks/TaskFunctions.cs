using DuckDB.NET.Data;

namespace Modelplane.Sql.Ai.Tasks;

/// <summary>
/// Registers the task AI functions (docs/ai-functions.md; Databricks' AI functions, databricks-serving.md §6) as DuckDB
/// macros over scalar functions: <c>ai_gen(prompt)</c>, <c>ai_summarize(content[, max_words := 50])</c>,
/// <c>ai_translate(content, to_lang)</c>, <c>ai_classify(content, labels)</c>, <c>ai_extract(content, schema)</c>,
/// <c>ai_analyze_sentiment(content)</c>, <c>ai_fix_grammar(content)</c>, <c>ai_mask(content, labels)</c> on
/// <see cref="AiFunctionOptions.DefaultChatEndpoint"/> and <c>ai_similarity(a, b)</c> on
/// <see cref="AiFunctionOptions.DefaultEmbeddingEndpoint"/>; each also takes <c>failOnError := true</c>.
/// </summary>
/// <remarks>
/// Each macro is <c>modelplane_ai_typed(&lt;name&gt;_impl(args…, failOnError), if(failOnError, '"VARCHAR"',
/// '{"result": "VARCHAR", "errorMessage": "VARCHAR"}'))</c>: the scalar function answers JSON and DuckDB's
/// <c>json_transform</c> gives it the type that <c>failOnError</c> asks for — <c>VARCHAR</c> (<c>DOUBLE</c> for
/// <c>ai_similarity</c>), or <c>STRUCT(result, errorMessage VARCHAR)</c>. <c>json_transform</c> needs a constant
/// structure, so <c>failOnError</c> must be a constant. DuckDB checks a macro's body when it is created, with its
/// parameters unbound, and refuses a structure computed from one; so <c>modelplane_ai_typed(v, s)</c> is first created
/// as <c>v</c>, the task macros are created over it, then it is replaced by <c>json_transform(v, s)</c>, which is bound
/// only where a statement uses it, with <c>failOnError</c>'s value in hand.
/// </remarks>
public static class TaskFunctions
{
    private const string Typed = "modelplane_ai_typed";

    /// <summary>Registers the task functions.</summary>
    /// <param name="connection">The session's open connection.</param>
    /// <param name="options">Default endpoints, batch size, progress counters.</param>
    /// <param name="serving">The node to call; null when the session has none (a call then fails saying so).</param>
    public static void Register(DuckDBConnection connection, SqlSessionOptions options, ServingCaller? serving)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var context = new TaskContext(options, serving);
        var volatileNulls = new ScalarFunctionOptions { HandlesNulls = true, IsPureFunction = false };
        foreach (var task in ChatTasks.All)
        {
            if (task.Extra is null)
            {
                connection.RegisterScalarFunction<string, bool, string>(
                    task.Name + "_impl", (readers, writer, count) => ChatTaskRunner.Run(task, context, readers, writer, count), volatileNulls);
            }
            else
            {
                connection.RegisterScalarFunction<string, string, bool, string>(
                    task.Name + "_impl", (readers, writer, count) => ChatTaskRunner.Run(task, context, readers, writer, count), volatileNulls);
            }
        }

        connection.RegisterScalarFunction<string, string, bool, string>(
            SimilarityRunner.Name + "_impl", (readers, writer, count) => SimilarityRunner.Run(context, readers, writer, count), volatileNulls);

        Execute(connection, $"CREATE OR REPLACE MACRO {Typed}(v, s) AS v");
        foreach (var task in ChatTasks.All)
        {
            Execute(connection, Macro(task));
        }

        Execute(connection, $"CREATE OR REPLACE MACRO ai_similarity(a, b, failOnError := true) AS {Typed}(ai_similarity_impl(a, b, failOnError), {Shape("DOUBLE")})");
        Execute(connection, $"CREATE OR REPLACE MACRO {Typed}(v, s) AS json_transform(v, s)");
    }

    /// <summary>The macro of a chat task (DuckDB takes an optional argument by name or by position).</summary>
    private static string Macro(ChatTask task)
    {
        var impl = task.Extra is null
            ? $"{Typed}({task.Name}_impl({task.Input}, failOnError), {Shape("VARCHAR")})"
            : $"{Typed}({task.Name}_impl({task.Input}, to_json({task.Extra})::VARCHAR, failOnError), {Shape("VARCHAR")})";
        return task switch
        {
            { Extra: null } => $"CREATE OR REPLACE MACRO {task.Name}({task.Input}, failOnError := true) AS {impl}",
            { ExtraDefault: null } => $"CREATE OR REPLACE MACRO {task.Name}({task.Input}, {task.Extra}, failOnError := true) AS {impl}",
            _ => $"CREATE OR REPLACE MACRO {task.Name}({task.Input}, {task.Extra} := {task.ExtraDefault}, failOnError := true) AS {impl}",
        };
    }

    /// <summary>The <c>json_transform</c> structure for a result type, by <c>failOnError</c>.</summary>
    private static string Shape(string type) =>
        $"if(failOnError, '\"{type}\"', '{{\"result\": \"{type}\", \"errorMessage\": \"VARCHAR\"}}')";

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
