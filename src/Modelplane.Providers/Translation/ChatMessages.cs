using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Providers.Translation;

/// <summary>
/// Message-list pieces shared by the adapters whose upstream wants strictly alternating turns (Anthropic Messages,
/// Bedrock Converse, Gemini <c>generateContent</c>).
/// </summary>
internal static class ChatMessages
{
    /// <summary>
    /// Appends one turn <c>{role, &lt;itemsKey&gt;: [items]}</c> to <paramref name="turns"/>, or, when the last turn
    /// already has <paramref name="role"/>, adds <paramref name="items"/> to that turn's array instead (so two OpenAI
    /// messages of one role, e.g. a <c>tool</c> answer followed by a <c>user</c> message, become one upstream turn).
    /// </summary>
    /// <param name="turns">The upstream message list; every element was added by this method.</param>
    /// <param name="role">The upstream role (e.g. <c>user</c>, <c>assistant</c>, <c>model</c>).</param>
    /// <param name="itemsKey">The turn's array field: <c>content</c> (Anthropic, Converse) or <c>parts</c> (Gemini).</param>
    /// <param name="items">The blocks or parts of the message, in order.</param>
    public static void AppendMerged(JsonArray turns, string role, string itemsKey, IEnumerable<JsonNode> items)
    {
        if (turns.Count > 0 && turns[^1] is JsonObject last && (string?)last["role"] == role)
        {
            var existing = (JsonArray)last[itemsKey]!;
            foreach (var item in items)
            {
                existing.Add(item);
            }

            return;
        }

        turns.Add(new JsonObject { ["role"] = role, [itemsKey] = new JsonArray([.. items]) });
    }

    /// <summary>
    /// The parts of a <c>user</c> message for APIs whose text part is <c>{"text": ...}</c> (Converse, Gemini): string
    /// content → one text part (empty when the content is missing); parts <c>text</c> → a text part,
    /// <c>image_url</c> with a URL → <paramref name="image"/>(url, field path).
    /// </summary>
    /// <param name="message">The OpenAI message.</param>
    /// <param name="index">Its index in <c>messages</c>, for error paths.</param>
    /// <param name="provider">The provider name, for error messages.</param>
    /// <param name="image">Builds the image part from the URL and its field path
    /// (<c>messages[i].content[j].image_url.url</c>).</param>
    /// <exception cref="ModelplaneException">400 naming <c>messages[i].content[j].type</c> for any other part.</exception>
    public static List<JsonNode> TextAndImageParts(ChatMessage message, int index, string provider, Func<string, string, JsonObject> image)
    {
        if (message.Content?.Parts is not { } parts)
        {
            return [new JsonObject { ["text"] = message.Content?.Text ?? "" }];
        }

        var result = new List<JsonNode>();
        for (var j = 0; j < parts.Count; j++)
        {
            var part = parts[j];
            switch (part.Type)
            {
                case "text":
                    result.Add(new JsonObject { ["text"] = part.Text ?? "" });
                    break;
                case "image_url" when part.ImageUrl?.Url is { } url:
                    result.Add(image(url, $"messages[{index}].content[{j}].image_url.url"));
                    break;
                default:
                    throw ModelplaneException.InvalidParameter($"messages[{index}].content[{j}].type '{part.Type}' is not supported by provider '{provider}'.");
            }
        }

        return result;
    }
}
