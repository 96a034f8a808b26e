using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace Modelplane.Sql.Ai.Tasks;

/// <summary>
/// Checks a JSON value against a JSON Schema (draft 2020-12, every keyword) with JsonSchema.Net (json-everything) and
/// reports the first failure as "<c>$.path: what</c>".
/// </summary>
internal static class JsonSchemaCheck
{
    /// <summary>The first mismatch, as "<c>$.path: what</c>", or null when <paramref name="value"/> matches.</summary>
    /// <param name="value">The value (null for JSON null).</param>
    /// <param name="schema">The schema.</param>
    public static string? FirstError(JsonNode? value, JsonObject schema)
    {
        using var instance = JsonDocument.Parse(value?.ToJsonString() ?? "null");
        var result = JsonSchema.FromText(schema.ToJsonString()).Evaluate(instance.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return null;
        }

        var failed = result.Details?.FirstOrDefault(d => d.Errors is { Count: > 0 }) ?? result;
        var path = "$" + failed.InstanceLocation.ToString().Replace('/', '.');
        return $"{path}: {failed.Errors?.Values.FirstOrDefault() ?? "does not match"}";
    }
}
