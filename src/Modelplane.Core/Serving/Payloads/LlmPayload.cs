using Modelplane.Abstractions.Llm;

namespace Modelplane.Core.Serving.Payloads;

/// <summary>An OpenAI-shaped LLM request on its way to an LLM entity (DESIGN.md §3: the second payload family).</summary>
/// <param name="Task">The task the request is for (<see cref="LlmTask"/>).</param>
public abstract record LlmPayload(string Task) : InvocationPayload(PayloadFormat.OpenAi)
{
    /// <summary>Whether the caller asked for a stream.</summary>
    public abstract bool Stream { get; }

    /// <summary>Databricks <c>usage_context</c>, for usage tracking.</summary>
    public abstract IReadOnlyDictionary<string, string>? UsageContext { get; }

    /// <summary>The request's <c>model</c> (the endpoint name on the OpenAI routes).</summary>
    public abstract string? Model { get; }

    /// <summary>Databricks <c>client_request_id</c>, for usage tracking and inference tables.</summary>
    public abstract string? ClientRequestId { get; }
}

/// <summary>A chat completion request.</summary>
/// <param name="Request">The validated request.</param>
public sealed record ChatPayload(ChatCompletionRequest Request) : LlmPayload(LlmTask.Chat)
{
    /// <inheritdoc />
    public override bool Stream => Request.Stream == true;

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string>? UsageContext => Request.UsageContext;

    /// <inheritdoc />
    public override string? Model => Request.Model;

    /// <inheritdoc />
    public override string? ClientRequestId => Request.ClientRequestId;
}

/// <summary>A legacy text completion request.</summary>
/// <param name="Request">The validated request.</param>
public sealed record CompletionPayload(CompletionRequest Request) : LlmPayload(LlmTask.Completions)
{
    /// <inheritdoc />
    public override bool Stream => Request.Stream == true;

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string>? UsageContext => Request.UsageContext;

    /// <inheritdoc />
    public override string? Model => Request.Model;

    /// <inheritdoc />
    public override string? ClientRequestId => Request.ClientRequestId;
}

/// <summary>An embeddings request.</summary>
/// <param name="Request">The validated request.</param>
public sealed record EmbeddingPayload(EmbeddingRequest Request) : LlmPayload(LlmTask.Embeddings)
{
    /// <inheritdoc />
    public override bool Stream => false;

    /// <inheritdoc />
    public override IReadOnlyDictionary<string, string>? UsageContext => Request.UsageContext;

    /// <inheritdoc />
    public override string? Model => Request.Model;

    /// <inheritdoc />
    public override string? ClientRequestId => Request.ClientRequestId;
}
