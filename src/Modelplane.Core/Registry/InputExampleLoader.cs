using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;

namespace Modelplane.Core.Registry;

/// <summary>
/// Builds a ready <c>/invocations</c> payload from an MLflow model directory, as MLflow's <c>_Example</c> does
/// (<c>mlflow/models/utils.py</c>): <c>serving_input_example.json</c> is used as it is; otherwise the
/// <c>input_example.json</c> is converted by its <c>type</c>: <c>dataframe</c> → <c>{"dataframe_split": …}</c>
/// (<c>{"dataframe_records": …}</c> for the <c>records</c> orient), <c>ndarray</c> → <c>{"inputs": …}</c> (already so
/// in the tf-serving format MLflow writes), <c>json_object</c> → the object itself when it is an LLM request
/// (<c>messages</c>, <c>prompt</c> or <c>input</c>), else <c>{"inputs": …}</c>; an example saved with params adds
/// <c>"params"</c>. Files written before the <c>type</c> field existed are recognised by their shape. Sparse matrices
/// have no serving form (null).
/// </summary>
public static class InputExampleLoader
{
    /// <summary>Largest example file read, in bytes (16 MiB, the default query size limit).</summary>
    public const int MaxFileBytes = 16 * 1024 * 1024;

    private const string DefaultServingInput = "serving_input_example.json";
    private const string DefaultExample = "input_example.json";
    private const string Payload = "payload";
    private static readonly string[] ScoringKeys = ["dataframe_split", "dataframe_records", "instances", "inputs"];

    /// <summary>Reads the example of the model in <paramref name="modelDir"/>.</summary>
    /// <param name="modelDir">The model directory (where <c>MLmodel</c> is).</param>
    /// <param name="info">The MLmodel's example info, or null (default file names are tried).</param>
    /// <returns>Compact JSON of an <c>/invocations</c> body, or null when the model has no usable example.</returns>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> when an example file is not JSON or is too large.</exception>
    public static string? Load(string modelDir, InputExampleInfo? info)
    {
        if (Read(modelDir, info?.ServingInputPath ?? DefaultServingInput) is JsonObject serving)
        {
            return serving.ToJsonString();
        }

        var example = Read(modelDir, info?.ArtifactPath ?? DefaultExample);
        return example is null ? null : ToServingInput(example, info)?.ToJsonString();
    }

    /// <summary>Converts the contents of an <c>input_example.json</c> into an <c>/invocations</c> body.</summary>
    /// <param name="example">The file's JSON.</param>
    /// <param name="info">How MLflow described it, or null for old files.</param>
    /// <returns>The body, or null when the example has no serving form.</returns>
    public static JsonObject? ToServingInput(JsonNode example, InputExampleInfo? info)
    {
        JsonNode? parameters = null;
        if (info?.HasParams == true && example is JsonObject wrapped && wrapped.ContainsKey("inputs"))
        {
            parameters = wrapped["params"]?.DeepClone();
            example = wrapped["inputs"]?.DeepClone() ?? new JsonObject();
        }

        var orient = info?.PandasOrient ?? (example is JsonArray ? "records" : "split");
        var body = (info?.Type ?? Guess(example)) switch
        {
            "dataframe" when orient == "records" => new JsonObject { ["dataframe_records"] = example.DeepClone() },
            "dataframe" => new JsonObject { ["dataframe_split"] = example.DeepClone() },
            "ndarray" when example is JsonObject o && (o.ContainsKey("inputs") || o.ContainsKey("instances")) => (JsonObject)o.DeepClone(),
            "ndarray" => new JsonObject { ["inputs"] = example.DeepClone() },
            "json_object" when IsLlmRequest(example) => (JsonObject)example.DeepClone(),
            "json_object" => new JsonObject { ["inputs"] = example.DeepClone() },
            Payload => (JsonObject)example.DeepClone(),
            _ => null,
        };

        if (body is not null && parameters is not null)
        {
            body["params"] = parameters;
        }

        return body;
    }

    private static bool IsLlmRequest(JsonNode example) =>
        example is JsonObject o && (o.ContainsKey("messages") || o.ContainsKey("prompt") || o.ContainsKey("input"));

    /// <summary>
    /// Files from before MLflow wrote <c>type</c>: a split dict (<c>columns</c>/<c>data</c>) or a list of row objects is a
    /// dataframe; an object that already has a scoring key is a payload; anything else is passed as <c>inputs</c>.
    /// </summary>
    private static string Guess(JsonNode example) => example switch
    {
        JsonObject o when ScoringKeys.Any(o.ContainsKey) => Payload,
        JsonObject o when o.ContainsKey("columns") || o.ContainsKey("data") => "dataframe",
        JsonArray a when a.Count > 0 && a.All(row => row is JsonObject) => "dataframe",
        _ => "json_object",
    };

    private static JsonNode? Read(string modelDir, string relativePath)
    {
        var path = ArchivePaths.Combine(modelDir, ArchivePaths.Normalize(relativePath));
        var file = new FileInfo(path);
        if (!file.Exists || file.LinkTarget is not null)
        {
            return null;
        }

        if (file.Length > MaxFileBytes)
        {
            throw ModelplaneException.InvalidParameter($"{relativePath} is larger than {MaxFileBytes} bytes.");
        }

        try
        {
            return JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw ModelplaneException.InvalidParameter($"{relativePath} is not valid JSON: {e.Message}");
        }
    }
}
