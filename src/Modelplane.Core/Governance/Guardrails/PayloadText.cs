using System.Text.Json;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Core.Serving.Payloads;

namespace Modelplane.Core.Governance.Guardrails;

/// <summary>
/// The text of a request as input guardrails see it, and the request rewritten with masked text. LLM requests: every
/// chat message's content (a string, or each <c>text</c> part), each completion prompt, each embedding input (token
/// arrays are not text). Custom-model requests: every string cell of a dataframe, every string leaf of
/// <c>instances</c>/<c>inputs</c>, every element of an OIP BYTES tensor. Rewrites copy (<c>with</c>); the request
/// given is never changed.
/// </summary>
public static class PayloadText
{
    /// <summary>Calls <paramref name="map"/> on every text piece, in order, and returns the payload with each piece
    /// replaced by what it returned, or null when every piece came back unchanged.</summary>
    public static InvocationPayload? Rewrite(InvocationPayload payload, Func<string, string> map) => payload switch
    {
        ChatPayload c => Messages(c.Request.Messages, map) is { } m ? new ChatPayload(c.Request with { Messages = m }) : null,
        CompletionPayload c => Strings(c.Request.Prompt, map) is { } p ? new CompletionPayload(c.Request with { Prompt = p }) : null,
        EmbeddingPayload e => Strings(e.Request.Input, map) is { } i ? new EmbeddingPayload(e.Request with { Input = i }) : null,
        TablePayload t => Rows(t.Rows, map) is { } rows ? t with { Rows = rows } : null,
        JsonTensorsPayload j => JsonTensors(j, map),
        TypedTensorsPayload o => Tensors(o.Tensors, map) is { } tensors ? o with { Tensors = tensors } : null,
        _ => null,
    };

    /// <summary>The text topics and the safety judge read: a chat's last <c>user</c> message (every message when there
    /// is none), else every piece joined by newlines.</summary>
    public static string RequestText(InvocationPayload payload)
    {
        if (payload is ChatPayload { Request.Messages: { } messages } && messages.LastOrDefault(m => m.Role == "user") is { Content: { } content })
        {
            return content.AllText();
        }

        var pieces = new List<string>();
        Rewrite(payload, t =>
        {
            pieces.Add(t);
            return t;
        });
        return string.Join("\n", pieces);
    }

    private static List<ChatMessage>? Messages(List<ChatMessage>? messages, Func<string, string> map)
    {
        if (messages is null)
        {
            return null;
        }

        var changed = false;
        var result = new List<ChatMessage>(messages.Count);
        foreach (var m in messages)
        {
            var content = m.Content switch
            {
                { Text: { } text } => map(text) is var t && t != text ? new ChatContent { Text = t } : null,
                { Parts: { } parts } => Parts(parts, map) is { } p ? new ChatContent { Parts = p } : null,
                _ => null,
            };
            changed |= content is not null;
            result.Add(content is null ? m : m with { Content = content });
        }

        return changed ? result : null;
    }

    private static List<ContentPart>? Parts(IReadOnlyList<ContentPart> parts, Func<string, string> map)
    {
        var changed = false;
        var result = parts.Select(p =>
        {
            if (p.Text is not { } text || map(text) is var t && t == text)
            {
                return p;
            }

            changed = true;
            return p with { Text = t };
        }).ToList();
        return changed ? result : null;
    }

    /// <summary>A string or array of strings (a prompt, an input); other shapes are not text.</summary>
    private static JsonElement? Strings(JsonElement? value, Func<string, string> map) => value switch
    {
        { ValueKind: JsonValueKind.String } s => map(s.GetString()!) is var t && t != s.GetString() ? JsonSerializer.SerializeToElement(t) : null,
        { ValueKind: JsonValueKind.Array } a when a.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) => Leaves(a, map),
        _ => null,
    };

    private static List<JsonElement?[]>? Rows(IReadOnlyList<JsonElement?[]> rows, Func<string, string> map)
    {
        var changed = false;
        var result = rows.Select(row =>
        {
            var copy = (JsonElement?[])row.Clone();
            for (var i = 0; i < copy.Length; i++)
            {
                if (copy[i] is { ValueKind: JsonValueKind.String } cell && map(cell.GetString()!) is var t && t != cell.GetString())
                {
                    copy[i] = JsonSerializer.SerializeToElement(t);
                    changed = true;
                }
            }

            return copy;
        }).ToList();
        return changed ? result : null;
    }

    private static JsonTensorsPayload? JsonTensors(JsonTensorsPayload payload, Func<string, string> map)
    {
        if (payload.Single is { } single)
        {
            return Leaves(single, map) is { } s ? payload with { Single = s } : null;
        }

        var changed = false;
        var named = payload.Named!.ToDictionary(p => p.Key, p => Leaves(p.Value, map) is { } v && (changed = true) ? v : p.Value);
        return changed ? payload with { Named = named } : null;
    }

    private static List<Tensor>? Tensors(IReadOnlyList<Tensor> tensors, Func<string, string> map)
    {
        var changed = false;
        var result = tensors.Select(t =>
        {
            if (t.Data is not string[] data)
            {
                return t;
            }

            var mapped = data.Select(map).ToArray();
            if (mapped.SequenceEqual(data, StringComparer.Ordinal))
            {
                return t;
            }

            changed = true;
            return new Tensor(t.Name, t.DataType, t.Shape, mapped);
        }).ToList();
        return changed ? result : null;
    }

    /// <summary>Every string leaf of a JSON value mapped; null when none changed.</summary>
    private static JsonElement? Leaves(JsonElement value, Func<string, string> map)
    {
        var changed = false;
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value, map, ref changed);
        }

        if (!changed)
        {
            return null;
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    private static void Write(Utf8JsonWriter writer, JsonElement e, Func<string, string> map, ref bool changed)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                var s = e.GetString()!;
                var t = map(s);
                changed |= t != s;
                writer.WriteStringValue(t);
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in e.EnumerateArray())
                {
                    Write(writer, item, map, ref changed);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var p in e.EnumerateObject())
                {
                    writer.WritePropertyName(p.Name);
                    Write(writer, p.Value, map, ref changed);
                }

                writer.WriteEndObject();
                break;
            default:
                e.WriteTo(writer);
                break;
        }
    }
}
