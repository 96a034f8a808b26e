using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;
using Modelplane.Providers.Translation;

namespace Modelplane.Providers.Anthropic;

/// <summary>
/// OpenAI <c>messages</c> → Anthropic <c>system</c> blocks and alternating <c>user</c>/<c>assistant</c> messages
/// whose content is always an array of blocks (https://docs.anthropic.com/en/api/messages#body-messages). See
/// <see cref="AnthropicRequestBuilder"/> for the mapping; errors name the request field, e.g.
/// <c>messages[2].content[1].image_url.url</c>.
/// </summary>
internal static class AnthropicMessageTranslator
{
    public static (JsonArray System, JsonArray Messages) Translate(IReadOnlyList<ChatMessage> messages)
    {
        var system = new JsonArray();
        var result = new JsonArray();
        for (var i = 0; i < messages.Count; i++)
        {
            var message = messages[i];
            var path = $"messages[{i}]";
            if (message.Role is "system" or "developer")
            {
                system.Add(TextBlock(message.Content?.AllText() ?? string.Empty));
                continue;
            }

            var (role, blocks) = message.Role switch
            {
                "user" => ("user", ContentBlocks(message.Content, path)),
                "assistant" => ("assistant", AssistantBlocks(message, path)),
                "tool" => ("user", ToolResult(message, path)),
                _ => throw ModelplaneException.InvalidParameter($"{path}.role: '{message.Role}' is not one of system, developer, user, assistant, tool."),
            };
            if (blocks.Count > 0)
            {
                ChatMessages.AppendMerged(result, role, "content", blocks);
            }
        }

        return (system, result);
    }

    private static JsonObject TextBlock(string text) => new() { ["type"] = "text", ["text"] = text };

    private static List<JsonNode> ContentBlocks(ChatContent? content, string path)
    {
        if (content is null)
        {
            return [];
        }

        if (content.Parts is null)
        {
            return [TextBlock(content.Text ?? string.Empty)];
        }

        var blocks = new List<JsonNode>();
        for (var j = 0; j < content.Parts.Count; j++)
        {
            var part = content.Parts[j];
            var partPath = $"{path}.content[{j}]";
            blocks.Add(part.Type switch
            {
                "text" => TextBlock(part.Text ?? string.Empty),
                "image_url" => ImageBlock(part.ImageUrl?.Url, partPath + ".image_url.url"),
                _ => throw ModelplaneException.InvalidParameter($"{partPath}.type: provider 'anthropic' takes text and image_url parts, not '{part.Type}'."),
            });
        }

        return blocks;
    }

    private static JsonObject ImageBlock(string? url, string path)
    {
        JsonObject source;
        if (DataUrl.IsDataUrl(url))
        {
            if (!DataUrl.TryParse(url, out var mediaType, out var data))
            {
                throw ModelplaneException.InvalidParameter($"{path}: a data: URL must be data:<media type>;base64,<data>.");
            }

            source = new JsonObject { ["type"] = "base64", ["media_type"] = mediaType, ["data"] = data };
        }
        else if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http")
        {
            source = new JsonObject { ["type"] = "url", ["url"] = url };
        }
        else
        {
            throw ModelplaneException.InvalidParameter($"{path}: expected an https or data: URL.");
        }

        return new JsonObject { ["type"] = "image", ["source"] = source };
    }

    private static List<JsonNode> AssistantBlocks(ChatMessage message, string path)
    {
        var blocks = ContentBlocks(message.Content, path)
            .Where(b => (string?)b["type"] != "text" || !string.IsNullOrEmpty((string?)b["text"]))
            .ToList();
        for (var j = 0; j < (message.ToolCalls?.Count ?? 0); j++)
        {
            var call = message.ToolCalls![j];
            var callPath = $"{path}.tool_calls[{j}]";
            JsonNode? input;
            try
            {
                input = string.IsNullOrWhiteSpace(call.Function?.Arguments) ? new JsonObject() : JsonNode.Parse(call.Function.Arguments);
            }
            catch (JsonException)
            {
                throw ModelplaneException.InvalidParameter($"{callPath}.function.arguments: not valid JSON.");
            }

            if (input is not JsonObject)
            {
                throw ModelplaneException.InvalidParameter($"{callPath}.function.arguments: provider 'anthropic' needs a JSON object.");
            }

            blocks.Add(new JsonObject
            {
                ["type"] = "tool_use",
                ["id"] = call.Id ?? throw ModelplaneException.InvalidParameter($"{callPath}.id is required."),
                ["name"] = call.Function?.Name ?? throw ModelplaneException.InvalidParameter($"{callPath}.function.name is required."),
                ["input"] = input,
            });
        }

        return blocks;
    }

    private static List<JsonNode> ToolResult(ChatMessage message, string path) =>
    [
        new JsonObject
        {
            ["type"] = "tool_result",
            ["tool_use_id"] = message.ToolCallId ?? throw ModelplaneException.InvalidParameter($"{path}.tool_call_id is required for role tool."),
            ["content"] = message.Content?.AllText() ?? string.Empty,
        },
    ];
}
