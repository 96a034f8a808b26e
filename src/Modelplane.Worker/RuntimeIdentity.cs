using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Runtimes.Onnx;
using Modelplane.Worker.Protocol;

namespace Modelplane.Worker;

/// <summary>Who this worker build is: the runtime id from <c>runtime.json</c> beside the assembly (<c>dev</c> when
/// absent, e.g. run from a build folder), the engine and the protocol versions.</summary>
internal static class RuntimeIdentity
{
    /// <summary>The id used when the worker does not run from the runtime store.</summary>
    public const string DevelopmentId = "dev";

    /// <summary>Reads the runtime id from <c>runtime.json</c> in <see cref="AppContext.BaseDirectory"/>.</summary>
    /// <exception cref="InvalidDataException">runtime.json exists but holds no string <c>id</c>.</exception>
    public static string ReadRuntimeId()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "runtime.json");
        if (!File.Exists(path))
        {
            return DevelopmentId;
        }

        try
        {
            var id = JsonNode.Parse(File.ReadAllText(path))?["id"]?.GetValue<string>();
            return string.IsNullOrEmpty(id) ? throw new InvalidDataException($"{path} has no \"id\".") : id;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path} is not valid: {ex.Message}", ex);
        }
    }

    /// <summary>The <c>--runtime-info</c> answer: one JSON line
    /// <c>{"id":"…","engine":"onnxruntime-1.31.1","protocol_versions":[1,2]}</c>.</summary>
    public static string Describe() => new JsonObject
    {
        ["id"] = ReadRuntimeId(),
        ["engine"] = OnnxModelRuntime.RuntimeName,
        ["protocol_versions"] = new JsonArray([.. WorkerProtocol.SupportedVersions.Select(v => (JsonNode)v)]),
    }.ToJsonString();
}
