using System.Text;
using LLama;
using LLama.Exceptions;
using LLama.Native;
using Modelplane.Abstractions;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Runtimes.Llama.Generation;

/// <summary>
/// Renders chat messages with the model's chat template and tokenizes prompts.
/// </summary>
/// <remarks>
/// Template choice, fixed at load: the flavor's <c>chat_template</c> (a name llama.cpp knows: <c>chatml</c>,
/// <c>llama3</c>, …) when given; else the GGUF's <c>tokenizer.chat_template</c> when llama.cpp recognizes it (llama.cpp
/// matches known template families, it does not run Jinja); else ChatML
/// (<c>&lt;|im_start|&gt;role\ncontent&lt;|im_end|&gt;\n</c> … <c>&lt;|im_start|&gt;assistant\n</c>). Roles:
/// <c>system</c>, <c>developer</c> (sent as <c>system</c>), <c>user</c>, <c>assistant</c>; text content only.
/// Prompts are tokenized with special tokens parsed, and with BOS when the model asks for it and the text does not
/// already start with it.
/// </remarks>
internal sealed class ChatPrompt
{
    private readonly LLamaWeights _weights;
    private readonly string? _template;
    private readonly string? _bosText;

    public ChatPrompt(LLamaWeights weights, string? templateOverride)
    {
        _weights = weights;
        _bosText = weights.Vocab.BOS is { } bos ? weights.Vocab.LLamaTokenToString(bos, true) : null;
        if (templateOverride is not null)
        {
            _template = Works(() => new LLamaTemplate(templateOverride)) ? templateOverride
                : throw ModelplaneException.InvalidParameter($"flavors.gguf.chat_template '{templateOverride}' is not a template llama.cpp recognizes.");
        }
        else
        {
            _template = Works(() => new LLamaTemplate(weights)) ? null : "chatml";
        }
    }

    /// <summary>Which template renders prompts: the override's name, <c>gguf</c>, or <c>chatml</c> (fallback).</summary>
    public string TemplateName => _template ?? "gguf";

    /// <summary>Renders the conversation, ending with the assistant turn's opening.</summary>
    /// <exception cref="ModelplaneException">400 naming <c>messages</c> or the bad message field.</exception>
    public string Render(IReadOnlyList<ChatMessage>? messages)
    {
        if (messages is not { Count: > 0 })
        {
            throw RequestReader.Field("messages", "messages must hold at least one message.");
        }

        var template = _template is null ? new LLamaTemplate(_weights) : new LLamaTemplate(_template);
        for (var i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            var role = m.Role switch
            {
                "system" or "developer" => "system",
                "user" or "assistant" => m.Role,
                _ => throw RequestReader.Field($"messages[{i}].role", $"messages[{i}].role '{m.Role}' is not supported on local GGUF models (system, developer, user, assistant)."),
            };
            if (m.ToolCalls is { Count: > 0 })
            {
                throw RequestReader.Field($"messages[{i}].tool_calls", $"messages[{i}].tool_calls is not supported on local GGUF models.");
            }

            var parts = m.Content?.Parts;
            for (var j = 0; parts is not null && j < parts.Count; j++)
            {
                if (parts[j].Type != "text")
                {
                    throw RequestReader.Field($"messages[{i}].content[{j}]", $"messages[{i}].content[{j}] is a '{parts[j].Type}' part; local GGUF models take text only.");
                }
            }

            template.Add(role, m.Content?.AllText() ?? "");
        }

        template.AddAssistant = true;
        return Encoding.UTF8.GetString(template.Apply());
    }

    /// <summary>Tokenizes a prompt (special tokens parsed; BOS per the model unless the text starts with it).</summary>
    public LLamaToken[] Tokenize(string text)
    {
        var addBos = _weights.Vocab.ShouldAddBOS && !(_bosText is { Length: > 0 } && text.StartsWith(_bosText, StringComparison.Ordinal));
        return _weights.Tokenize(text, addBos, special: true, Encoding.UTF8);
    }

    private static bool Works(Func<LLamaTemplate> create)
    {
        try
        {
            var t = create();
            t.Add("user", "hi");
            t.AddAssistant = true;
            _ = t.Apply();
            return true;
        }
        catch (MissingTemplateException)
        {
            return false;
        }
        catch (TemplateNotFoundException)
        {
            return false;
        }
    }
}
