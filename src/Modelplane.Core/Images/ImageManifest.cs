using System.Buffers;
using System.Text.Json;
using Modelplane.Abstractions;

namespace Modelplane.Core.Images;

/// <summary>What an image's <c>image.json</c> says.</summary>
/// <param name="RuntimeId">The runtime the image was built with.</param>
/// <param name="ModelFile">The model file relative to the image folder (<c>model/…</c>).</param>
/// <param name="Files">The image's files (paths relative to the image folder).</param>
/// <param name="Flavor">The <c>flavor</c> key, or null (<c>onnx</c>).</param>
/// <param name="FlavorConfigJson">The <c>flavor_config</c> object as JSON, or null.</param>
internal sealed record ImageManifestData(string RuntimeId, string ModelFile, IReadOnlyList<ContentFile> Files, string? Flavor = null, string? FlavorConfigJson = null);

/// <summary>
/// <c>image.json</c> (contracts: image store), written once, compact, keys in this order:
/// <c>{"schema":1,"runtime_id","model_name","model_version","model_sha256","model_file":"model/…",</c> for LLM flavors
/// <c>"flavor":"gguf"|"modelplane_embedding","flavor_config":{…},</c> then <c>"signature":{…}|null,
/// "files":[{"path":"model/…","sha256","size"}]}</c>, files sorted ordinally by path. The image id is the lower-case hex
/// SHA-256 of these exact bytes.
/// </summary>
internal static class ImageManifest
{
    /// <summary>The manifest's file name, at the top of an image folder.</summary>
    public const string FileName = "image.json";

    /// <summary>The folder of an image holding the model version's files.</summary>
    public const string ModelFolder = "model";

    /// <summary>The bytes of <c>image.json</c>.</summary>
    /// <exception cref="ModelplaneException"><c>INTERNAL_ERROR</c>: the stored signature is not JSON.</exception>
    public static byte[] Write(string runtimeId, ImageSource source, string modelFile, IEnumerable<ContentFile> files)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("schema", 1);
            json.WriteString("runtime_id", runtimeId);
            json.WriteString("model_name", source.ModelName);
            json.WriteString("model_version", source.ModelVersion);
            json.WriteString("model_sha256", source.ModelSha256);
            json.WriteString("model_file", modelFile);
            if (source.Flavor != Abstractions.Flavors.ModelFlavor.Onnx)
            {
                // Only LLM flavors carry these keys, so the manifests (and ids) of onnx images stay as they were.
                json.WriteString("flavor", source.Flavor);
                json.WritePropertyName("flavor_config");
                using var config = JsonDocument.Parse(source.FlavorConfigJson ?? "{}");
                config.RootElement.WriteTo(json);
            }

            json.WritePropertyName("signature");
            WriteSignature(json, source);
            WriteFiles(json, files);
            json.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes <c>"files":[{"path","sha256","size"}…]</c> sorted ordinally by path (also used by <c>runtime.json</c>).</summary>
    public static void WriteFiles(Utf8JsonWriter json, IEnumerable<ContentFile> files)
    {
        json.WriteStartArray("files");
        foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            json.WriteStartObject();
            json.WriteString("path", file.Path);
            json.WriteString("sha256", file.Sha256);
            json.WriteNumber("size", file.Size);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>Reads <c>image.json</c> bytes; null when they are not a manifest.</summary>
    public static ImageManifestData? Read(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var reader = new Utf8JsonReader(bytes);
            using var doc = JsonDocument.ParseValue(ref reader);
            var root = doc.RootElement;
            var files = root.GetProperty("files").EnumerateArray()
                .Select(f => new ContentFile(f.GetProperty("path").GetString()!, f.GetProperty("sha256").GetString()!, f.GetProperty("size").GetInt64()))
                .ToList();
            return new ImageManifestData(
                root.GetProperty("runtime_id").GetString()!,
                root.GetProperty("model_file").GetString()!,
                files,
                root.TryGetProperty("flavor", out var flavor) ? flavor.GetString() : null,
                root.TryGetProperty("flavor_config", out var config) ? config.GetRawText() : null);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static void WriteSignature(Utf8JsonWriter json, ImageSource source)
    {
        if (source.SignatureJson is null)
        {
            json.WriteNullValue();
            return;
        }

        try
        {
            using var signature = JsonDocument.Parse(source.SignatureJson);
            signature.RootElement.WriteTo(json);
        }
        catch (JsonException e)
        {
            throw new ModelplaneException(ErrorCode.InternalError, $"The stored signature of {source.ModelName} version {source.ModelVersion} is not valid JSON.", inner: e);
        }
    }
}
