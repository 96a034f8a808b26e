using System.CommandLine;
using Modelplane.Sql;

namespace Modelplane.Cli.Commands.Sql;

/// <summary>
/// The AI-function options of <c>modelplane sql</c>: <c>--batch-size</c> (rows per model call for custom models and
/// embeddings, <see cref="AiFunctionOptions.BatchRows"/>), <c>--max-concurrency</c> (model calls in flight,
/// <see cref="AiFunctionOptions.MaxConcurrentRequests"/>), <c>--chat-endpoint</c> and <c>--embedding-endpoint</c> (the
/// task functions' defaults; else <c>MODELPLANE_SQL_CHAT_ENDPOINT</c> / <c>MODELPLANE_SQL_EMBEDDING_ENDPOINT</c>).
/// </summary>
internal sealed class SqlAiOptions
{
    /// <summary>Environment variable of the default chat endpoint.</summary>
    public const string ChatEndpointVariable = "MODELPLANE_SQL_CHAT_ENDPOINT";

    /// <summary>Environment variable of the default embeddings endpoint.</summary>
    public const string EmbeddingEndpointVariable = "MODELPLANE_SQL_EMBEDDING_ENDPOINT";

    private readonly Option<int?> batchSize = new("--batch-size") { Description = "Rows per model call for custom models and embeddings (default 512)." };
    private readonly Option<int?> maxConcurrency = new("--max-concurrency") { Description = "Model calls in flight at once (default 8)." };
    private readonly Option<string?> chatEndpoint = new("--chat-endpoint") { Description = $"Chat endpoint of the task functions (ai_gen, ai_summarize, …) (default: ${ChatEndpointVariable})." };
    private readonly Option<string?> embeddingEndpoint = new("--embedding-endpoint") { Description = $"Embeddings endpoint of ai_similarity (default: ${EmbeddingEndpointVariable})." };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(batchSize);
        command.Options.Add(maxConcurrency);
        command.Options.Add(chatEndpoint);
        command.Options.Add(embeddingEndpoint);
    }

    /// <summary>The AI function settings the command line and environment give.</summary>
    /// <exception cref="CliUsageException">A count below 1.</exception>
    public AiFunctionOptions Read(ParseResult parseResult, CliContext context)
    {
        var defaults = new AiFunctionOptions();
        return defaults with
        {
            BatchRows = Positive(parseResult.GetValue(batchSize), "--batch-size") ?? defaults.BatchRows,
            MaxConcurrentRequests = Positive(parseResult.GetValue(maxConcurrency), "--max-concurrency") ?? defaults.MaxConcurrentRequests,
            DefaultChatEndpoint = NonEmpty(parseResult.GetValue(chatEndpoint)) ?? context.GetEnvironmentVariable(ChatEndpointVariable),
            DefaultEmbeddingEndpoint = NonEmpty(parseResult.GetValue(embeddingEndpoint)) ?? context.GetEnvironmentVariable(EmbeddingEndpointVariable),
        };
    }

    private static int? Positive(int? value, string option) =>
        value is < 1 ? throw new CliUsageException($"{option} must be at least 1 (got {value}).") : value;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
