namespace Modelplane.Abstractions.Llm;

/// <summary>
/// The LLM tasks a served entity can have (databricks-serving.md §7.1, <c>external_model.task</c>). All LLM entities of an
/// endpoint share one task; it decides which OpenAI route the endpoint answers.
/// </summary>
public static class LlmTask
{
    /// <summary><c>llm/v1/chat</c>: OpenAI chat completions (<c>/chat/completions</c>).</summary>
    public const string Chat = "llm/v1/chat";

    /// <summary><c>llm/v1/completions</c>: OpenAI legacy text completions (<c>/completions</c>).</summary>
    public const string Completions = "llm/v1/completions";

    /// <summary><c>llm/v1/embeddings</c>: OpenAI embeddings (<c>/embeddings</c>).</summary>
    public const string Embeddings = "llm/v1/embeddings";

    /// <summary>The three tasks.</summary>
    public static IReadOnlyList<string> All { get; } = [Chat, Completions, Embeddings];
}
