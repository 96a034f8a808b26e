using System.Text.Json;
using Modelplane.Abstractions;
using Modelplane.Core.Serving.Payloads;

namespace Modelplane.Server.Api;

/// <summary>
/// Reads and writes KServe Open Inference Protocol v2 JSON (inference_rest.md "Inference"), with the profile in
/// docs/oip-profile.md: the element count must equal the product of <c>shape</c> (the spec example that declares 3
/// BOOLs and sends 1 is refused); <c>data</c> may be flat or nested exactly as <c>shape</c>; elements must fit the
/// declared datatype (no coercion: 2.5 as INT64 is refused); BYTES elements are JSON strings (UTF-8); FP16/BF16 are
/// JSON numbers; Triton's binary-data extension (<c>binary_data_size</c>, <c>binary_data</c>,
/// <c>binary_data_output</c>) and classification extension are refused.
/// </summary>
public static class OipCodec
{
    /// <summary>The parsed request: tensors, requested outputs, id and parameters.</summary>
    /// <param name="Payload">Typed input tensors and requested outputs.</param>
    /// <param name="Id">The request id to echo, if any.</param>
    /// <param name="Parameters">Request parameters, if any.</param>
    public sealed record Request(TypedTensorsPayload Payload, string? Id, JsonElement? Parameters);

    /// <summary>Parses an inference request.</summary>
    /// <exception cref="ModelplaneException">400 naming the field at fault.</exception>
    public static Request Parse(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw ModelplaneException.BadRequest("The inference request must be a JSON object with 'inputs'.");
        }

        var id = root.TryGetProperty("id", out var idEl) ? (idEl.ValueKind == JsonValueKind.String ? idEl.GetString()
            : throw ModelplaneException.InvalidParameter("'id' must be a string.")) : null;
        var parameters = root.TryGetProperty("parameters", out var p) ? CheckParameters(p, "parameters") : (JsonElement?)null;
        if (parameters is { } rp && rp.TryGetProperty("binary_data_output", out var bdo) && bdo.ValueKind != JsonValueKind.False)
        {
            throw ModelplaneException.InvalidParameter("parameters.binary_data_output: the binary tensor data extension is not supported; outputs are returned as JSON.");
        }

        if (!root.TryGetProperty("inputs", out var inputs) || inputs.ValueKind != JsonValueKind.Array || inputs.GetArrayLength() == 0)
        {
            throw ModelplaneException.BadRequest("'inputs' is required and must be a non-empty array of tensors.");
        }

        var tensors = inputs.EnumerateArray().Select((t, i) => ParseTensor(t, $"inputs[{i}]")).ToList();
        var duplicate = tensors.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw ModelplaneException.InvalidParameter($"Input '{duplicate.Key}' is given more than once.");
        }

        List<string>? outputs = null;
        if (root.TryGetProperty("outputs", out var outs))
        {
            if (outs.ValueKind != JsonValueKind.Array)
            {
                throw ModelplaneException.InvalidParameter("'outputs' must be an array of {\"name\"} objects.");
            }

            outputs = [.. outs.EnumerateArray().Select(ParseOutput)];
        }

        return new Request(new TypedTensorsPayload(tensors, outputs), id, parameters?.Clone());
    }

    private static Tensor ParseTensor(JsonElement t, string field)
    {
        if (t.ValueKind != JsonValueKind.Object)
        {
            throw ModelplaneException.InvalidParameter($"{field} must be an object with name, shape, datatype and data.");
        }

        var name = t.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()!
            : throw ModelplaneException.InvalidParameter($"{field}.name is required.");
        field = $"Input '{name}'";
        if (t.TryGetProperty("parameters", out var tp) && CheckParameters(tp, field + " parameters").TryGetProperty("binary_data_size", out _))
        {
            throw ModelplaneException.InvalidParameter($"{field}: the binary tensor data extension (binary_data_size) is not supported; send data as JSON.");
        }

        var datatypeName = t.TryGetProperty("datatype", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
        var datatype = TensorDataTypes.FromOipName(datatypeName)
            ?? throw ModelplaneException.InvalidParameter($"{field}: datatype '{datatypeName}' is not an OIP datatype (BOOL, UINT8…UINT64, INT8…INT64, FP16, BF16, FP32, FP64, BYTES).");
        if (!t.TryGetProperty("shape", out var s) || s.ValueKind != JsonValueKind.Array
            || s.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.Number || !x.TryGetInt64(out var v) || v < 0))
        {
            throw ModelplaneException.InvalidParameter($"{field}: 'shape' is required and must be an array of non-negative integers.");
        }

        long[] shape = [.. s.EnumerateArray().Select(x => x.GetInt64())];
        if (!t.TryGetProperty("data", out var data))
        {
            throw ModelplaneException.InvalidParameter($"{field}: 'data' is required.");
        }

        var nested = TensorBuilder.InferShape(data, field);
        if (nested.Length > 1 && !nested.SequenceEqual(shape))
        {
            throw ModelplaneException.InvalidParameter($"{field}: nested data has shape [{string.Join(",", nested)}] but 'shape' is [{string.Join(",", shape)}].");
        }

        var flat = new List<JsonElement>();
        TensorBuilder.Flatten(data, flat);
        return TensorBuilder.FromFlat(name, flat, shape, datatype, field);
    }

    /// <summary>
    /// One requested output: its name. Output parameters that ask for an extension Modelplane does not implement are
    /// refused rather than ignored, so a client never gets an answer in another form than the one it asked for:
    /// Triton's <c>binary_data</c> (unless <c>false</c>) and <c>classification</c>.
    /// </summary>
    private static string ParseOutput(JsonElement o, int index)
    {
        var name = o.ValueKind == JsonValueKind.Object && o.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()!
            : throw ModelplaneException.InvalidParameter($"outputs[{index}].name is required.");
        if (!o.TryGetProperty("parameters", out var p))
        {
            return name;
        }

        var field = $"Output '{name}'";
        var parameters = CheckParameters(p, field + " parameters");
        if (parameters.TryGetProperty("binary_data", out var binary) && binary.ValueKind != JsonValueKind.False)
        {
            throw ModelplaneException.InvalidParameter($"{field}: the binary tensor data extension (binary_data) is not supported; outputs are returned as JSON.");
        }

        return parameters.TryGetProperty("classification", out _)
            ? throw ModelplaneException.InvalidParameter($"{field}: the classification extension (classification) is not supported; request the output without it.")
            : name;
    }

    private static JsonElement CheckParameters(JsonElement p, string field)
    {
        if (p.ValueKind != JsonValueKind.Object || p.EnumerateObject().Any(x => x.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array))
        {
            throw ModelplaneException.InvalidParameter($"'{field}' must be an object whose values are strings, numbers or booleans.");
        }

        return p;
    }

    /// <summary>Writes the inference response: outputs flat with their shape and datatype; ZipMap rows as BYTES JSON strings.</summary>
    public static void WriteResponse(Utf8JsonWriter w, string model, string? version, Request request, IReadOnlyList<ModelValue> outputs)
    {
        w.WriteStartObject();
        w.WriteString("model_name", model);
        if (version is not null)
        {
            w.WriteString("model_version", version);
        }

        if (request.Id is not null)
        {
            w.WriteString("id", request.Id);
        }

        w.WriteStartArray("outputs");
        foreach (var output in outputs)
        {
            var tensor = output switch
            {
                Tensor t => t,
                MapSequence m => new Tensor(m.Name, TensorDataType.String, [m.Items.Count], m.Items.Select(i => JsonSerializer.Serialize(i)).ToArray()),
                _ => throw new InvalidOperationException("Unknown output."),
            };
            w.WriteStartObject();
            w.WriteString("name", tensor.Name);
            w.WriteString("datatype", tensor.DataType.ToOipName());
            w.WriteStartArray("shape");
            foreach (var dim in tensor.Shape)
            {
                w.WriteNumberValue(dim);
            }

            w.WriteEndArray();
            w.WritePropertyName("data");
            TensorJsonWriter.WriteFlat(w, tensor.DataType == TensorDataType.BFloat16 ? TensorJsonWriter.AsFloat32(tensor) : tensor);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    }
}
