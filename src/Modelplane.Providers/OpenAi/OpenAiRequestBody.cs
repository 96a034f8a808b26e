using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Providers.OpenAi;

/// <summary>
/// Builds the upstream JSON body from a canonical request record: the record serialized with
/// <see cref="LlmJson.Options"/> (so unknown fields, at any depth, go through as given), then <c>extra_params</c>
/// merged into the top level, <c>usage_context</c> and <c>client_request_id</c> removed, <c>model</c> set to the
/// entity's model (or removed), and the stream fields fixed.
/// </summary>
public static class OpenAiRequestBody
{
    /// <summary>The body for one request.</summary>
    /// <param name="request">A <see cref="ChatCompletionRequest"/>, <see cref="CompletionRequest"/> or <see cref="EmbeddingRequest"/>.</param>
    /// <param name="extraParams">The request's <c>extra_params</c>; each key replaces the top-level field of that name
    /// (except <c>model</c>, <c>stream</c> and <c>stream_options</c>, which the adapter owns).</param>
    /// <param name="model">The model id to send; null removes <c>model</c> (Azure).</param>
    /// <param name="stream">True: <c>"stream": true</c> and <c>stream_options.include_usage = true</c> (other
    /// <c>stream_options</c> fields kept), so every stream ends with a usage chunk the gateway can count. False: both
    /// removed (OpenAI refuses <c>stream_options</c> without <c>stream</c>). Null: neither field is sent (embeddings).</param>
    public static JsonObject Build<T>(T request, Dictionary<string, JsonElement>? extraParams, string? model, bool? stream)
    {
        var body = JsonSerializer.SerializeToNode(request, LlmJson.Options)?.AsObject() ?? [];
        body.Remove("extra_params");
        body.Remove("usage_context");
        body.Remove("client_request_id");
        foreach (var (name, value) in extraParams ?? [])
        {
            if (name is not ("model" or "stream" or "stream_options"))
            {
                body[name] = JsonSerializer.SerializeToNode(value, LlmJson.Options);
            }
        }

        body.Remove("model");
        if (model is not null)
        {
            body["model"] = model;
        }

        switch (stream)
        {
            case true:
                body["stream"] = true;
                var options = body["stream_options"] as JsonObject ?? [];
                options["include_usage"] = true;
                body["stream_options"] = options;
                break;
            case false:
                body.Remove("stream");
                body.Remove("stream_options");
                break;
            default:
                break;
        }

        return body;
    }

    /// <summary>The body as UTF-8 JSON content.</summary>
    public static ByteArrayContent ToContent(JsonObject body)
    {
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, LlmJson.Options));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        return content;
    }
}
