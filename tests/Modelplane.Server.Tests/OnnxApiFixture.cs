using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Modelplane.Testing.Onnx;

namespace Modelplane.Server.Tests;

/// <summary>
/// One node for the ONNX test data. Each model file is registered once, on first use, as a bare <c>.onnx</c> upload
/// (<c>main.default.&lt;name&gt;</c>) and served from an endpoint of its own (<c>&lt;name&gt;</c>, entity
/// <c>&lt;name&gt;-1</c>). Cases that share a file (<c>…/row_N</c>) share its endpoint. One endpoint per model rather
/// than many entities in one: a config goes live only when all its entities load, so one model that cannot load (a
/// missing OS locale) would take every other case down with it; apart, each case stands or falls alone, and its
/// answers' <c>served-model-name</c> and OIP <c>model_version</c> name exactly one entity.
/// </summary>
public sealed partial class OnnxApiFixture : IAsyncLifetime
{
    private readonly Dictionary<string, Task<ServedOnnxModel>> models = new(StringComparer.Ordinal);

    /// <summary>
    /// The node. Its endpoints scale to zero a second after their last request, so the hundred-odd models of the test
    /// data do not keep a hundred worker processes alive at once: cases run one after another, each cold-starts its
    /// model's replica if it went idle.
    /// </summary>
    public NodeFixture Node { get; } = new()
    {
        Args = ["--Modelplane:Serving:ScaleToZeroIdleMinutes=0.02", "--Modelplane:Serving:AutoscaleIntervalSeconds=0.5"],
    };

    /// <inheritdoc />
    public Task InitializeAsync() => Node.InitializeAsync();

    /// <inheritdoc />
    public Task DisposeAsync() => Node.DisposeAsync();

    /// <summary>Registers and serves the case's model the first time it is asked for; later calls share the result.</summary>
    public Task<ServedOnnxModel> ServeAsync(OnnxTestCase testCase)
    {
        var name = ResourceName(testCase.Name);
        lock (models)
        {
            if (!models.TryGetValue(name, out var task))
            {
                models[name] = task = RegisterAndServeAsync(name, testCase.ModelPath);
            }

            return task;
        }
    }

    /// <summary>
    /// The model and endpoint name of a case: the case name without a <c>/row_N</c> suffix, lower-cased, with every
    /// character that endpoint names do not allow replaced by <c>-</c>, cut to its last 63 characters.
    /// </summary>
    public static string ResourceName(string caseName)
    {
        var name = Disallowed().Replace(RowSuffix().Replace(caseName, string.Empty).ToLowerInvariant(), "-");
        return name.Length <= 63 ? name : name[^63..];
    }

    /// <summary>POSTs a bare <c>.onnx</c> file as a new version; returns the status and the JSON body.</summary>
    public async Task<(HttpStatusCode Status, JsonObject Body)> UploadAsync(string fullName, string onnxPath)
    {
        using var content = new MultipartFormDataContent();
        content.Add(new ByteArrayContent(await File.ReadAllBytesAsync(onnxPath)), "file", Path.GetFileName(onnxPath));
        using var response = await Node.Client.PostAsync($"/api/2.1/unity-catalog/models/{fullName}/versions", content);
        return (response.StatusCode, JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject());
    }

    private async Task<ServedOnnxModel> RegisterAndServeAsync(string name, string modelPath)
    {
        var (status, body) = await UploadAsync($"main.default.{name}", modelPath);
        if (status != HttpStatusCode.OK)
        {
            return new ServedOnnxModel(name, string.Empty, modelPath, new JsonObject(), (status, body));
        }

        var endpoint = await Node.ServeAsync(name, $"main.default.{name}", scaleToZero: true);
        Assert.True(endpoint["state"]!["ready"]!.GetValue<string>() == "READY", $"endpoint {name}: {endpoint}");
        var entity = endpoint["config"]!["served_entities"]![0]!["name"]!.GetValue<string>();
        var metadata = await Node.Client.GetFromJsonAsync<JsonObject>($"/v2/models/{name}/versions/{entity}");
        return new ServedOnnxModel(name, entity, modelPath, metadata!, null);
    }

    [GeneratedRegex("/row_[0-9]+$")]
    private static partial Regex RowSuffix();

    [GeneratedRegex("[^a-z0-9_-]")]
    private static partial Regex Disallowed();
}

/// <summary>A registered model and its endpoint, or the registration's refusal.</summary>
/// <param name="Endpoint">Endpoint (and OIP model) name.</param>
/// <param name="Entity">Served entity (OIP version) name.</param>
/// <param name="ModelPath">The uploaded file.</param>
/// <param name="Metadata">OIP model metadata of the entity.</param>
/// <param name="Refusal">Status and body when registration refused the model; null when it is served.</param>
public sealed record ServedOnnxModel(string Endpoint, string Entity, string ModelPath, JsonObject Metadata, (HttpStatusCode Status, JsonObject Body)? Refusal);
