using System.Text.Json;

namespace Modelplane.Abstractions.Flavors;

/// <summary>
/// The <c>gguf</c> flavor block of an <c>MLmodel</c> file (snake_case keys), e.g.
/// <code>
/// flavors:
///   gguf:
///     model: model.gguf        # the GGUF file, relative to the model directory
///     context_length: 2048     # tokens per sequence (default: the model's training context, at most 4096)
///     parallel_sequences: 4    # sequences decoded together per replica (default 4)
///     chat_template: chatml    # optional: a template name llama.cpp knows, overriding the GGUF's tokenizer.chat_template
///     max_tokens: 512          # default max_tokens when a request gives none (default 512)
/// </code>
/// A bare <c>.gguf</c> upload gets the defaults with <see cref="Model"/> = its file name.
/// </summary>
public sealed record GgufFlavorConfig
{
    /// <summary>GGUF file, relative to the model directory.</summary>
    public string Model { get; init; } = "model.gguf";

    /// <summary>Context window per sequence, tokens (16–131072); null = the model's own, capped at 4096.</summary>
    public int? ContextLength { get; init; }

    /// <summary>Sequences decoded together in one replica (1–64).</summary>
    public int ParallelSequences { get; init; } = 4;

    /// <summary>Chat template override (a llama.cpp built-in template name such as <c>chatml</c>, <c>llama3</c>);
    /// null = the GGUF's <c>tokenizer.chat_template</c> when llama.cpp recognizes it, else <c>chatml</c>.</summary>
    public string? ChatTemplate { get; init; }

    /// <summary>The <c>max_tokens</c> used when a request gives none (1–131072).</summary>
    public int MaxTokens { get; init; } = 512;

    /// <summary>JSON form (snake_case, nulls omitted, unknown keys refused).</summary>
    public static JsonSerializerOptions Json => EmbeddingFlavorConfig.Json;

    /// <summary>Checks the values.</summary>
    /// <param name="field">The field path to name in errors, e.g. <c>MLmodel flavors.gguf</c>.</param>
    /// <exception cref="ModelplaneException">400 naming <c>{field}.context_length</c>, …</exception>
    public GgufFlavorConfig Validate(string field)
    {
        if (ContextLength is < 16 or > 131072)
        {
            throw ModelplaneException.InvalidParameter($"{field}.context_length is {ContextLength}; it must be from 16 to 131072.");
        }

        if (ParallelSequences is < 1 or > 64)
        {
            throw ModelplaneException.InvalidParameter($"{field}.parallel_sequences is {ParallelSequences}; it must be from 1 to 64.");
        }

        if (MaxTokens is < 1 or > 131072)
        {
            throw ModelplaneException.InvalidParameter($"{field}.max_tokens is {MaxTokens}; it must be from 1 to 131072.");
        }

        FlavorPaths.CheckRelative(Model, $"{field}.model");
        return this;
    }
}

/// <summary>Path checks shared by the flavor configs.</summary>
public static class FlavorPaths
{
    /// <summary>Refuses absolute paths and paths leaving the model directory.</summary>
    /// <param name="path">A path from a flavor config.</param>
    /// <param name="field">The field to name.</param>
    /// <exception cref="ModelplaneException">400 naming the field.</exception>
    public static void CheckRelative(string? path, string field)
    {
        if (string.IsNullOrWhiteSpace(path) || Path.IsPathRooted(path) || path.Replace('\\', '/').Split('/').Contains(".."))
        {
            throw ModelplaneException.InvalidParameter($"{field} is '{path}'; give a file path relative to the model directory.");
        }
    }
}
