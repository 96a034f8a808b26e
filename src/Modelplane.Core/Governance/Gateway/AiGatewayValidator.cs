using Modelplane.Abstractions;
using Modelplane.Core.Registry;

namespace Modelplane.Core.Governance.Gateway;

/// <summary>
/// Checks an <see cref="AiGatewayConfig"/> before it is stored and normalizes it (upper-case PII behaviour, lower-case
/// table names, <c>table_name_prefix</c> defaulted to the endpoint name). Limits follow databricks-serving.md §3.4: at
/// most 20 rate-limit rules, 5 of them group rules, one rule per key and principal.
/// </summary>
public static class AiGatewayValidator
{
    /// <summary>Most rate-limit rules per endpoint.</summary>
    public const int MaxRules = 20;

    /// <summary>Most <c>user_group</c> rules per endpoint.</summary>
    public const int MaxGroupRules = 5;

    /// <summary>Rate-limit keys.</summary>
    public static readonly IReadOnlyList<string> Keys = ["endpoint", "user", "user_group", "service_principal"];

    /// <summary>PII behaviours.</summary>
    public static readonly IReadOnlyList<string> PiiBehaviors = ["NONE", "BLOCK", "MASK"];

    /// <summary>Validates and normalizes.</summary>
    /// <param name="config">The block as sent.</param>
    /// <param name="endpointName">The endpoint's name (default table prefix).</param>
    /// <param name="field">The request field the block came in (<c>ai_gateway</c> on create, empty on PUT).</param>
    /// <returns>The normalized block.</returns>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming the field at fault.</exception>
    public static AiGatewayConfig Validate(AiGatewayConfig config, string endpointName, string field = "")
    {
        var prefix = field.Length == 0 ? string.Empty : field + ".";
        return config with
        {
            RateLimits = config.RateLimits is null ? null : RateLimits(config.RateLimits, prefix + "rate_limits"),
            InferenceTableConfig = config.InferenceTableConfig is { } t ? Table(t, endpointName, prefix + "inference_table_config") : null,
            Guardrails = config.Guardrails is { } g ? g with
            {
                Input = g.Input is { } i ? Side(i, prefix + "guardrails.input", input: true) : null,
                Output = g.Output is { } o ? Side(o, prefix + "guardrails.output", input: false) : null,
            } : null,
        };
    }

    private static List<RateLimitRule> RateLimits(List<RateLimitRule> rules, string field)
    {
        if (rules.Count > MaxRules)
        {
            throw ModelplaneException.InvalidParameter($"{field} has {rules.Count} rules; at most {MaxRules} are allowed.");
        }

        var seen = new HashSet<(string, string?)>();
        var result = new List<RateLimitRule>(rules.Count);
        for (var i = 0; i < rules.Count; i++)
        {
            var at = $"{field}[{i}]";
            var rule = rules[i] ?? throw ModelplaneException.InvalidParameter($"{at} must be an object.");
            var key = rule.Key ?? "endpoint";
            if (!Keys.Contains(key))
            {
                throw ModelplaneException.InvalidParameter($"{at}.key '{rule.Key}' is not one of {string.Join(", ", Keys)}.");
            }

            if (rule.Calls is null && rule.Tokens is null)
            {
                throw ModelplaneException.InvalidParameter($"{at} needs calls or tokens (per minute).");
            }

            if (rule.Calls is <= 0 || rule.Tokens is <= 0)
            {
                throw ModelplaneException.InvalidParameter($"{at}.{(rule.Calls is <= 0 ? "calls" : "tokens")} must be a positive number per minute.");
            }

            if ((rule.RenewalPeriod ?? "minute") != "minute")
            {
                throw ModelplaneException.InvalidParameter($"{at}.renewal_period '{rule.RenewalPeriod}' is not supported; the only value is 'minute'.");
            }

            var principal = string.IsNullOrWhiteSpace(rule.Principal) ? null : rule.Principal.Trim();
            if (key == "endpoint" && principal is not null)
            {
                throw ModelplaneException.InvalidParameter($"{at}.principal must be absent for key 'endpoint'.");
            }

            if (key is "user_group" or "service_principal" && principal is null)
            {
                throw ModelplaneException.InvalidParameter($"{at}.principal is required for key '{key}'.");
            }

            if (!seen.Add((key == "service_principal" ? "user" : key, principal)))
            {
                throw ModelplaneException.InvalidParameter($"{at} repeats another rule's key '{key}'{(principal is null ? string.Empty : $" and principal '{principal}'")}.");
            }

            result.Add(rule with { Key = key, Principal = principal, RenewalPeriod = "minute" });
        }

        if (result.Count(r => r.Key == "user_group") > MaxGroupRules)
        {
            throw ModelplaneException.InvalidParameter($"{field} has more than {MaxGroupRules} user_group rules.");
        }

        return result;
    }

    private static InferenceTableConfig Table(InferenceTableConfig table, string endpointName, string field)
    {
        if (table.SamplingFraction is { } f && (double.IsNaN(f) || f <= 0 || f > 1))
        {
            throw ModelplaneException.InvalidParameter($"{field}.sampling_fraction must be greater than 0 and at most 1.");
        }

        if (table.Enabled != true)
        {
            return table;
        }

        if (string.IsNullOrWhiteSpace(table.CatalogName) || string.IsNullOrWhiteSpace(table.SchemaName))
        {
            throw ModelplaneException.InvalidParameter($"{field}.catalog_name and {field}.schema_name are required when the inference table is enabled.");
        }

        var prefix = Tables.TableNames.DefaultPrefix(table.TableNamePrefix ?? endpointName);
        return table with
        {
            CatalogName = RegistryNames.Catalog(table.CatalogName, field + ".catalog_name"),
            SchemaName = RegistryNames.Schema(table.SchemaName, field + ".schema_name"),
            TableNamePrefix = RegistryNames.Schema(prefix, field + ".table_name_prefix"),
        };
    }

    private static GuardrailParameters Side(GuardrailParameters side, string field, bool input)
    {
        if (!input && side.ValidTopics is { Count: > 0 })
        {
            throw ModelplaneException.InvalidParameter($"{field}.valid_topics applies to input only.");
        }

        if (side.TopicSimilarityThreshold is { } t && (double.IsNaN(t) || t < 0 || t > 1))
        {
            throw ModelplaneException.InvalidParameter($"{field}.topic_similarity_threshold must be between 0 and 1.");
        }

        var behavior = side.Pii?.Behavior?.ToUpperInvariant();
        if (side.Pii is not null && (behavior is null || !PiiBehaviors.Contains(behavior)))
        {
            throw ModelplaneException.InvalidParameter($"{field}.pii.behavior '{side.Pii.Behavior}' is not one of NONE, BLOCK, MASK.");
        }

        if (side.InvalidKeywords?.FindIndex(string.IsNullOrWhiteSpace) is >= 0 and var k)
        {
            throw ModelplaneException.InvalidParameter($"{field}.invalid_keywords[{k}] is empty.");
        }

        if (side.ValidTopics?.FindIndex(string.IsNullOrWhiteSpace) is >= 0 and var v)
        {
            throw ModelplaneException.InvalidParameter($"{field}.valid_topics[{v}] is empty.");
        }

        return side with { Pii = side.Pii is null ? null : new PiiGuardrail { Behavior = behavior } };
    }
}
