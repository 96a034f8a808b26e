using System.Text.Json;
using Modelplane.Abstractions;

namespace Modelplane.Core.Registry;

/// <summary>
/// Reads an MLflow signature (MLflow "Model signatures"; databricks-serving.md §5.4) from the JSON strings MLmodel
/// stores: column-based <c>[{"name","type","required"}]</c> (<c>required</c> defaults to true, as in MLflow's
/// <c>ColSpec</c>), tensor-based <c>[{"name"?,"type":"tensor","tensor-spec":{"dtype","shape"}}]</c> and
/// <c>params</c> <c>[{"name","type","default","shape"}]</c>. Composite column types (<c>array</c>, <c>object</c>,
/// <c>map</c>, <c>Any</c>) are kept as string columns whose <see cref="TensorSpec.SourceType"/> names the MLflow type.
/// </summary>
public static class MlflowSignatureParser
{
    /// <summary>MLflow's composite column types, kept as strings.</summary>
    internal static readonly HashSet<string> CompositeTypes = new(StringComparer.OrdinalIgnoreCase) { "array", "object", "map", "any" };

    /// <summary>Parses the three JSON strings of an MLmodel <c>signature</c> block.</summary>
    /// <param name="inputsJson">The <c>inputs</c> string, or null.</param>
    /// <param name="outputsJson">The <c>outputs</c> string, or null.</param>
    /// <param name="paramsJson">The <c>params</c> string, or null.</param>
    /// <returns>The signature, or null when inputs and outputs are both absent. <see cref="ModelSignature.Kind"/> follows
    /// the inputs (the outputs when there are no inputs).</returns>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming the field and position at fault.</exception>
    public static ModelSignature? Parse(string? inputsJson, string? outputsJson, string? paramsJson)
    {
        if (inputsJson is null && outputsJson is null)
        {
            return null;
        }

        var (inputKind, inputs) = ParseSpecs(inputsJson, "inputs");
        var (outputKind, outputs) = ParseSpecs(outputsJson, "outputs");
        var parameters = ParseParams(paramsJson);
        return new ModelSignature(inputKind ?? outputKind ?? SignatureKind.Columns, inputs, outputs, parameters);
    }

    private static (SignatureKind? Kind, IReadOnlyList<TensorSpec> Specs) ParseSpecs(string? json, string field)
    {
        if (json is null)
        {
            return (null, []);
        }

        using var doc = ParseJson(json, field);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw ModelplaneException.InvalidParameter($"MLmodel signature {field} must be a JSON array.");
        }

        var specs = new List<TensorSpec>();
        SignatureKind? kind = null;
        var i = 0;
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            var where = $"MLmodel signature {field}[{i++}]";
            var type = item.ValueKind == JsonValueKind.Object ? String(item, "type") : null;
            var itemKind = type == "tensor" ? SignatureKind.Tensors : SignatureKind.Columns;
            if (kind is not null && kind != itemKind)
            {
                throw ModelplaneException.InvalidParameter($"{where} mixes tensor and column specs.");
            }

            kind = itemKind;
            specs.Add(itemKind == SignatureKind.Tensors ? Tensor(item, where) : Column(item, type, where));
        }

        return (kind, specs);
    }

    private static TensorSpec Column(JsonElement item, string? type, string where)
    {
        if (type is null)
        {
            throw ModelplaneException.InvalidParameter($"{where} has no 'type'.");
        }

        var dataType = CompositeTypes.Contains(type) ? TensorDataType.String : TensorDataTypes.FromMlflowName(type)
            ?? throw ModelplaneException.InvalidParameter($"{where} has the unknown column type '{type}'.");
        var required = !item.TryGetProperty("required", out var r) || r.ValueKind != JsonValueKind.False;
        return new TensorSpec(String(item, "name"), dataType, null, required, type);
    }

    private static TensorSpec Tensor(JsonElement item, string where)
    {
        if (!item.TryGetProperty("tensor-spec", out var spec) || spec.ValueKind != JsonValueKind.Object)
        {
            throw ModelplaneException.InvalidParameter($"{where} is a tensor without a 'tensor-spec'.");
        }

        var dtype = String(spec, "dtype");
        var dataType = TensorDataTypes.FromMlflowName(dtype)
            ?? throw ModelplaneException.InvalidParameter($"{where} has the unknown tensor dtype '{dtype}'.");
        var required = !item.TryGetProperty("required", out var r) || r.ValueKind != JsonValueKind.False;
        return new TensorSpec(String(item, "name"), dataType, Shape(spec, where), required, dtype);
    }

    private static List<ParamSpec> ParseParams(string? json)
    {
        if (json is null)
        {
            return [];
        }

        using var doc = ParseJson(json, "params");
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw ModelplaneException.InvalidParameter("MLmodel signature params must be a JSON array.");
        }

        var result = new List<ParamSpec>();
        var i = 0;
        foreach (var item in doc.RootElement.EnumerateArray())
        {
            var where = $"MLmodel signature params[{i++}]";
            var name = item.ValueKind == JsonValueKind.Object ? String(item, "name") : null;
            var type = name is null ? null : String(item, "type");
            if (name is null || type is null)
            {
                throw ModelplaneException.InvalidParameter($"{where} needs a 'name' and a 'type'.");
            }

            JsonElement? defaultValue = item.TryGetProperty("default", out var d) && d.ValueKind != JsonValueKind.Null ? d.Clone() : null;
            result.Add(new ParamSpec(name, type, defaultValue, Shape(item, where)));
        }

        return result;
    }

    private static long[]? Shape(JsonElement element, string where)
    {
        if (!element.TryGetProperty("shape", out var shape) || shape.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (shape.ValueKind != JsonValueKind.Array || shape.EnumerateArray().Any(d => d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out _)))
        {
            throw ModelplaneException.InvalidParameter($"{where} has a 'shape' that is not a list of integers.");
        }

        return shape.EnumerateArray().Select(d => d.GetInt64()).ToArray();
    }

    private static string? String(JsonElement element, string key) =>
        element.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static JsonDocument ParseJson(string json, string field)
    {
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw ModelplaneException.InvalidParameter($"MLmodel signature {field} is not valid JSON: {e.Message}");
        }
    }
}
