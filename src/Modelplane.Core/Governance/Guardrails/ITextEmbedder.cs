namespace Modelplane.Core.Governance.Guardrails;

/// <summary>
/// A local text-embedding model for <c>valid_topics</c>. The node's implementation
/// (<c>Modelplane.Server.Guardrails.LocalTextEmbedder</c>) runs <c>system.ai.arctic_embed_xs</c> in-process.
/// </summary>
public interface ITextEmbedder
{
    /// <summary>Embeds texts.</summary>
    /// <param name="texts">One or more texts (truncated by the model at its token limit).</param>
    /// <param name="cancellationToken">Cancels the run.</param>
    /// <returns>One vector per text, in order, all of the same length.</returns>
    /// <exception cref="Abstractions.ModelplaneException">When the model cannot be loaded or run.</exception>
    Task<float[][]> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken);
}
