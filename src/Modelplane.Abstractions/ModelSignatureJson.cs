using System.Text.Json;
using System.Text.Json.Serialization;

namespace Modelplane.Abstractions;

/// <summary>
/// The one JSON form of a <see cref="ModelSignature"/> used inside Modelplane (System.Text.Json web defaults, enums as
/// names, nulls omitted): in the registry store and in the worker's Hello frame. Not the MLflow form.
/// </summary>
public static class ModelSignatureJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Serializes a signature.</summary>
    public static string Serialize(ModelSignature signature) => JsonSerializer.Serialize(signature, Options);

    /// <summary>Reads a signature written by <see cref="Serialize"/>.</summary>
    /// <exception cref="JsonException">Not a signature, or JSON <c>null</c>.</exception>
    public static ModelSignature Deserialize(string json) =>
        JsonSerializer.Deserialize<ModelSignature>(json, Options) ?? throw new JsonException("The signature JSON is null.");
}
