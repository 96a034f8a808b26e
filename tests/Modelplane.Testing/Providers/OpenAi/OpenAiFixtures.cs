using System.Text.Json;
using System.Text.Json.Nodes;

namespace Modelplane.Testing.Providers.OpenAi;

/// <summary>
/// The OpenAI wire data <see cref="FakeOpenAi"/> replays, and how a received request picks one: recorded streams by
/// their request in <c>openai/recorded_requests.json</c>, recorded non-streamed answers by
/// <c>providers/openai/nonstream_responses.json</c>, and the spec's <c>examples/chat_*.request.json</c> pairs.
/// Requests compare as JSON (key order ignored) without <c>model</c>, <c>stream</c> and <c>stream_options</c>; a
/// content array holding a single text part equals the same text as a string.
/// </summary>
public sealed class OpenAiFixtures
{
    /// <summary>Stream replayed when no recorded request matches.</summary>
    public const string DefaultStream = "openai/recorded_streams/chat_stream_plain_text.sse";

    /// <summary>Answer replayed for a non-streamed chat request that matches nothing.</summary>
    public const string DefaultChat = "openai/examples/chat_default.response.json";

    /// <summary>Non-streamed completions answer.</summary>
    public const string Completion = "openai/examples/completions_no_streaming.response.json";

    /// <summary>Streamed completions answer.</summary>
    public const string CompletionStream = "providers/openai/completions_streaming.sse";

    /// <summary>Embeddings answer (float vectors).</summary>
    public const string Embeddings = "providers/openai/embeddings_default.response.json";

    /// <summary><c>GET /v1/models</c> answer.</summary>
    public const string Models = "providers/openai/models_default.response.json";

    /// <summary>Microsoft Entra ID token answer.</summary>
    public const string EntraToken = "providers/openai/entra_token_response.json";

    /// <summary>Named OpenAI error bodies.</summary>
    public const string Errors = "providers/openai/errors.json";

    private static readonly Lazy<OpenAiFixtures> Instance = new(() => new OpenAiFixtures());

    private OpenAiFixtures()
    {
        var recorded = JsonNode.Parse(File.ReadAllText(TestData.PathOf("openai", "recorded_requests.json")))!.AsObject();
        var requests = new Dictionary<string, JsonObject>();
        foreach (var (name, node) in recorded)
        {
            if (name.StartsWith('_') || node is not JsonObject request)
            {
                continue;
            }

            var expanded = Expand(request, recorded).AsObject();
            expanded.Remove("why");
            requests[name] = expanded;
            if (File.Exists(TestData.PathOf("openai", "recorded_streams", name)))
            {
                StreamRequests.Add((Normalize(expanded), "openai/recorded_streams/" + name));
            }
        }

        var pairs = JsonNode.Parse(File.ReadAllText(TestData.PathOf("providers", "openai", "nonstream_responses.json")))!.AsObject();
        foreach (var (response, node) in pairs)
        {
            if (!response.StartsWith('_') && node?.GetValue<string>() is { } key && requests.TryGetValue(key, out var request))
            {
                ChatRequests.Add((Normalize(request), "openai/recorded_responses/" + response));
            }
        }

        foreach (var file in Directory.GetFiles(TestData.PathOf("openai", "examples"), "chat_*.request.json").Order(StringComparer.Ordinal))
        {
            var response = file.Replace(".request.json", ".response.json", StringComparison.Ordinal);
            if (File.Exists(response))
            {
                ChatRequests.Add((Normalize(JsonNode.Parse(File.ReadAllText(file))!.AsObject()), "openai/examples/" + Path.GetFileName(response)));
            }
        }

        ErrorBodies = JsonNode.Parse(File.ReadAllText(TestData.PathOf(Errors.Split('/'))))!.AsObject()
            .ToDictionary(e => e.Key, e => e.Value!.ToJsonString());
    }

    /// <summary>The shared catalog.</summary>
    public static OpenAiFixtures Shared => Instance.Value;

    /// <summary>Recorded streams with their (normalized) requests.</summary>
    public List<(JsonObject Request, string File)> StreamRequests { get; } = [];

    /// <summary>Recorded or documented non-streamed chat answers with their (normalized) requests.</summary>
    public List<(JsonObject Request, string File)> ChatRequests { get; } = [];

    /// <summary>Error bodies of <c>errors.json</c> by name (compact JSON).</summary>
    public IReadOnlyDictionary<string, string> ErrorBodies { get; }

    /// <summary>The recorded request behind a fixture of <c>recorded_requests.json</c>, <c>$_…</c> references expanded,
    /// <c>why</c> removed (null when the name is not there).</summary>
    public static JsonObject? RecordedRequest(string name)
    {
        var recorded = JsonNode.Parse(File.ReadAllText(TestData.PathOf("openai", "recorded_requests.json")))!.AsObject();
        if (recorded[name] is not JsonObject request)
        {
            return null;
        }

        var expanded = Expand(request, recorded).AsObject();
        expanded.Remove("why");
        return expanded;
    }

    /// <summary>The file (relative to <c>tests/testdata</c>) to replay for a chat request body.</summary>
    public string ChatFixture(JsonObject body, bool stream)
    {
        var normalized = Normalize(body);
        var candidates = stream ? StreamRequests : ChatRequests;
        foreach (var (request, file) in candidates)
        {
            if (JsonNode.DeepEquals(request, normalized))
            {
                return file;
            }
        }

        return stream ? DefaultStream : DefaultChat;
    }

    /// <summary>A request without the fields matching ignores.</summary>
    public static JsonObject Normalize(JsonObject body)
    {
        var copy = body.DeepClone().AsObject();
        copy.Remove("model");
        copy.Remove("stream");
        copy.Remove("stream_options");
        if (copy["messages"] is JsonArray messages)
        {
            foreach (var message in messages.OfType<JsonObject>())
            {
                if (message["content"] is JsonArray { Count: 1 } parts
                    && parts[0] is JsonObject part && (string?)part["type"] == "text" && part.Count == 2 && part["text"] is JsonValue text)
                {
                    message["content"] = text.DeepClone();
                }
            }
        }

        return copy;
    }

    private static JsonNode Expand(JsonNode node, JsonObject root) => node switch
    {
        JsonObject o => new JsonObject(o.Select(p => KeyValuePair.Create(p.Key, p.Value is null ? null : (JsonNode?)Expand(p.Value, root)))),
        JsonArray a => new JsonArray([.. a.Select(i => i is null ? null : Expand(i, root))]),
        JsonValue v when v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() is { } s && s.StartsWith("$_", StringComparison.Ordinal)
            && root[s[1..]] is { } target => target.DeepClone(),
        _ => node.DeepClone(),
    };
}
