using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;
using Modelplane.Core.Governance.Gateway;
using Modelplane.Core.Serving;

namespace Modelplane.Core.Governance.Guardrails;

/// <summary>Node options of guardrails, bound from <c>Modelplane:Guardrails</c>.</summary>
public sealed class GuardrailOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Modelplane:Guardrails";

    /// <summary>The name of a chat serving endpoint of this node that judges <c>safety</c> (<see cref="SafetyJudge"/>);
    /// null (the default) leaves safety off: an AI Gateway asking for it is refused.</summary>
    public string? SafetyJudgeEndpoint { get; set; }
}

/// <summary>
/// What guardrail stages share on a node (singleton): the safety judge, the topic embedder (absent when the host has
/// none) and the cache of topic vectors per topic list.
/// </summary>
/// <param name="judge">The safety judge.</param>
/// <param name="cache">Caches topic vectors (1 h sliding).</param>
/// <param name="embedder">The local embedder, or null.</param>
public sealed class GuardrailServices(SafetyJudge judge, IMemoryCache cache, ITextEmbedder? embedder)
{
    /// <summary>The safety judge.</summary>
    public SafetyJudge Judge => judge;

    /// <summary>Vectors of a topic list, embedded once and cached.</summary>
    /// <exception cref="ModelplaneException">503 when the node has no embedder; what the embedder throws.</exception>
    public Task<float[][]> TopicVectorsAsync(IReadOnlyList<string> topics, CancellationToken cancellationToken)
    {
        var embed = embedder ?? throw ModelplaneException.Unavailable("valid_topics needs a local embedding model and this node has none.");
        var key = "guardrails.topics\n" + string.Join("\n", topics);
        var lazy = cache.GetOrCreate(key, entry =>
        {
            entry.SlidingExpiration = TimeSpan.FromHours(1);
            return new Lazy<Task<float[][]>>(() => embed.EmbedAsync(topics, CancellationToken.None));
        })!;
        if (lazy.Value.IsFaulted)
        {
            cache.Remove(key);
        }

        return lazy.Value.WaitAsync(cancellationToken);
    }

    /// <summary>The vector of one request text.</summary>
    public async Task<float[]> EmbedAsync(string text, CancellationToken cancellationToken)
    {
        var embed = embedder ?? throw ModelplaneException.Unavailable("valid_topics needs a local embedding model and this node has none.");
        return (await embed.EmbedAsync([text], cancellationToken))[0];
    }
}

/// <summary>Registers guardrails and the check the AI Gateway validator calls.</summary>
public static class GuardrailServiceCollectionExtensions
{
    /// <summary>Binds <see cref="GuardrailOptions"/> and adds <see cref="SafetyJudge"/> and <see cref="GuardrailServices"/>
    /// (which takes an <see cref="ITextEmbedder"/> when the host registered one).</summary>
    public static IServiceCollection AddGuardrails(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GuardrailOptions>().Bind(configuration.GetSection(GuardrailOptions.Section));
        services.AddSingleton(sp => new SafetyJudge(sp.GetRequiredService<LiveEndpoints>(), sp.GetRequiredService<IOptions<GuardrailOptions>>()));
        services.AddSingleton(sp => new GuardrailServices(sp.GetRequiredService<SafetyJudge>(), sp.GetRequiredService<IMemoryCache>(), sp.GetService<ITextEmbedder>()));
        return services;
    }
}

/// <summary>Checks of an AI Gateway's guardrails against the node, for create and PUT (beside <see cref="AiGatewayValidator"/>).</summary>
public static class GuardrailConfigCheck
{
    /// <summary>Refuses <c>safety: true</c> on a node without a safety judge.</summary>
    /// <param name="config">The validated AI Gateway (null: nothing to check).</param>
    /// <param name="options">The node's guardrail options.</param>
    /// <param name="field">The request field of the block (<c>ai_gateway</c> on create, empty on PUT).</param>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming <c>guardrails.{side}.safety</c>.</exception>
    public static void RequireSafetyJudge(AiGatewayConfig? config, GuardrailOptions options, string field = "")
    {
        if (!string.IsNullOrWhiteSpace(options.SafetyJudgeEndpoint) || config?.Guardrails is not { } g)
        {
            return;
        }

        var side = g.Input?.Safety == true ? "input" : g.Output?.Safety == true ? "output" : null;
        if (side is not null)
        {
            var prefix = field.Length == 0 ? string.Empty : field + ".";
            throw ModelplaneException.InvalidParameter(
                $"{prefix}guardrails.{side}.safety needs a safety judge, and this node has none: set {GuardrailOptions.Section}:SafetyJudgeEndpoint to a chat endpoint of the node.");
        }
    }
}
