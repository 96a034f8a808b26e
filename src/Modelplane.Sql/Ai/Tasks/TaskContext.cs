using Modelplane.Client;

namespace Modelplane.Sql.Ai.Tasks;

/// <summary>What every task function call needs: the session's settings, its caller, and the default endpoints checked.</summary>
internal sealed class TaskContext(SqlSessionOptions options, ServingCaller? serving)
{
    /// <summary>The session's settings (batch size, progress).</summary>
    public SqlSessionOptions Options => options;

    /// <summary>The caller; fails the statement when the session has no node.</summary>
    /// <param name="function">The calling function, for the message.</param>
    public ServingCaller Serving(string function) => serving
        ?? throw new InvalidOperationException($"{function}: this SQL session has no node to call models on (modelplane sql needs a host and a token; the node's own statements always have one).");

    /// <summary><see cref="AiFunctionOptions.DefaultChatEndpoint"/>, checked to serve <c>llm/v1/chat</c>.</summary>
    /// <param name="function">The calling function, for messages.</param>
    public string ChatEndpoint(string function) => Checked(
        function, options.Ai.DefaultChatEndpoint, LlmBodies.ChatTask,
        "set a default chat endpoint: modelplane sql --chat-endpoint or MODELPLANE_SQL_CHAT_ENDPOINT; on the node Modelplane:Sql:DefaultChatEndpoint");

    /// <summary><see cref="AiFunctionOptions.DefaultEmbeddingEndpoint"/>, checked to serve <c>llm/v1/embeddings</c>.</summary>
    /// <param name="function">The calling function, for messages.</param>
    public string EmbeddingEndpoint(string function) => Checked(
        function, options.Ai.DefaultEmbeddingEndpoint, LlmBodies.EmbeddingsTask,
        "set a default embedding endpoint: modelplane sql --embedding-endpoint or MODELPLANE_SQL_EMBEDDING_ENDPOINT; on the node Modelplane:Sql:DefaultEmbeddingEndpoint");

    /// <summary>The reason a model call failed, for the row's error.</summary>
    /// <param name="endpoint">The endpoint called.</param>
    /// <param name="error">What the call threw.</param>
    public static string CallError(string endpoint, Exception error) => error switch
    {
        ModelplaneApiException api => $"endpoint '{endpoint}' answered {(int)api.StatusCode} {api.ErrorCode}: {api.Message}",
        InvalidDataException data => data.Message,
        _ => $"calling endpoint '{endpoint}' failed: {error.Message}",
    };

    private string Checked(string function, string? endpoint, string task, string unset)
    {
        if (string.IsNullOrWhiteSpace(endpoint))
        {
            throw new InvalidOperationException($"{function}: {unset}");
        }

        string? served;
        try
        {
            served = Serving(function).TaskOfAsync(endpoint, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (ModelplaneApiException e)
        {
            throw new InvalidOperationException($"{function}: endpoint '{endpoint}': {e.Message}", e);
        }

        return served == task
            ? endpoint
            : throw new InvalidOperationException($"{function}: endpoint '{endpoint}' serves {served ?? "a custom model"}, not {task}");
    }
}
