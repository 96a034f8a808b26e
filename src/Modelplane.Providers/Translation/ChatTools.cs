using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Providers.Translation;

/// <summary>OpenAI <c>tools</c> / <c>tool_choice</c> pieces shared by the Converse and Gemini translators.</summary>
internal static class ChatTools
{
    /// <summary>The 400 message for a <c>tool_choice</c> that is none of the OpenAI forms.</summary>
    public const string ToolChoiceForms = "tool_choice must be 'none', 'auto', 'required' or {\"type\":\"function\",\"function\":{\"name\":…}}.";

    /// <summary><c>{name, description?}</c> of <c>tools[index].function</c>, the start of a tool declaration.</summary>
    /// <param name="tool">The OpenAI tool.</param>
    /// <param name="index">Its index in <c>tools</c>, for error paths.</param>
    /// <param name="function">The tool's function (for its <c>parameters</c>).</param>
    /// <exception cref="ModelplaneException">400 when <c>tools[i].function</c> or its <c>name</c> is missing.</exception>
    public static JsonObject NameAndDescription(ChatTool tool, int index, out FunctionDefinition function)
    {
        function = tool.Function ?? throw ModelplaneException.InvalidParameter($"tools[{index}].function is required.");
        var declaration = new JsonObject { ["name"] = function.Name ?? throw ModelplaneException.InvalidParameter($"tools[{index}].function.name is required.") };
        if (function.Description is { } description)
        {
            declaration["description"] = description;
        }

        return declaration;
    }

    /// <summary>The function name of a <c>tool_choice</c> object <c>{"type": "function", "function": {"name": …}}</c>;
    /// false for other values.</summary>
    public static bool TryGetFunctionName(JsonElement choice, out string? name)
    {
        name = null;
        if (choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("function", out var function) && function.TryGetProperty("name", out var value))
        {
            name = value.GetString();
            return true;
        }

        return false;
    }
}
