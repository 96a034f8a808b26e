using Modelplane.Abstractions;

namespace Modelplane.Core.Serving.Pipeline;

/// <summary>The result of an invocation, before a protocol adapter shapes it: a model's outputs, or an LLM answer.</summary>
/// <param name="Outputs">Output tensors or ZipMap sequences, in graph order or the order asked for; empty for an LLM.</param>
public sealed record InvocationResult(IReadOnlyList<ModelValue> Outputs)
{
    /// <summary>The LLM answer, for <see cref="Payloads.LlmPayload"/> requests.</summary>
    public Llm.LlmResult? Llm { get; init; }

    /// <summary>An LLM answer.</summary>
    public static InvocationResult FromLlm(Llm.LlmResult result) => new([]) { Llm = result };
}

/// <summary>
/// One stage of an endpoint's invocation pipeline (DESIGN.md §3), in the style of Microsoft.Extensions.AI's
/// <c>IChatClient</c>: each stage does one thing and calls the next.
/// </summary>
public abstract class InvocationHandler
{
    /// <summary>Handles one request.</summary>
    /// <exception cref="ModelplaneException">For every failure a client should see.</exception>
    public abstract Task<InvocationResult> InvokeAsync(InvocationContext context, CancellationToken cancellationToken);
}

/// <summary>A stage that wraps the next one (<c>DelegatingChatClient</c>'s shape); override only what the stage changes.</summary>
/// <param name="inner">The next stage.</param>
public abstract class DelegatingInvocationHandler(InvocationHandler inner) : InvocationHandler
{
    /// <summary>The next stage.</summary>
    protected InvocationHandler Inner { get; } = inner;

    /// <inheritdoc />
    public override Task<InvocationResult> InvokeAsync(InvocationContext context, CancellationToken cancellationToken) =>
        Inner.InvokeAsync(context, cancellationToken);
}

/// <summary>
/// Composes an endpoint's pipeline: the first <see cref="Use"/> is the outermost stage (M.E.AI's
/// <c>ChatClientBuilder</c>). A stage that would do nothing for the config is simply not added.
/// </summary>
/// <param name="terminal">The innermost stage (the traffic router).</param>
public sealed class InvocationPipelineBuilder(InvocationHandler terminal)
{
    private readonly List<Func<InvocationHandler, InvocationHandler>> stages = [];

    /// <summary>Adds a stage around everything added after it.</summary>
    public InvocationPipelineBuilder Use(Func<InvocationHandler, InvocationHandler> stage)
    {
        stages.Add(stage);
        return this;
    }

    /// <summary>Builds the chain.</summary>
    public InvocationHandler Build()
    {
        var handler = terminal;
        for (var i = stages.Count - 1; i >= 0; i--)
        {
            handler = stages[i](handler);
        }

        return handler;
    }
}
