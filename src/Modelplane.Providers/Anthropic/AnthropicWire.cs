using System.Text.Json;

namespace Modelplane.Providers.Anthropic;

// The parts of the Anthropic Messages API answer that the adapter reads (https://docs.anthropic.com/en/api/messages,
// https://docs.anthropic.com/en/docs/build-with-claude/streaming). Read with LlmJson.Options (snake_case); fields not
// listed here (citations, thinking, container, stop_details, ...) are ignored.

/// <summary>A <c>message</c> object: the non-streamed answer, and <c>message_start.message</c> in a stream.</summary>
internal sealed record AnthropicMessage
{
    public string? Id { get; set; }
    public string? Model { get; set; }
    public List<AnthropicBlock>? Content { get; set; }
    public string? StopReason { get; set; }
    public AnthropicUsage? Usage { get; set; }
}

/// <summary>A content block: <c>text</c> (<see cref="Text"/>) or <c>tool_use</c> (<see cref="Id"/>, <see cref="Name"/>, <see cref="Input"/>).</summary>
internal sealed record AnthropicBlock
{
    public string? Type { get; set; }
    public string? Text { get; set; }
    public string? Id { get; set; }
    public string? Name { get; set; }
    public JsonElement? Input { get; set; }
}

/// <summary>Token counts; in a stream, <c>message_start</c> and <c>message_delta</c> each carry some of them.</summary>
internal sealed record AnthropicUsage
{
    public int? InputTokens { get; set; }
    public int? OutputTokens { get; set; }
    public int? CacheCreationInputTokens { get; set; }
    public int? CacheReadInputTokens { get; set; }

    /// <summary>Every input token: uncached, written to the cache and read from it (the API counts them apart).</summary>
    public int? PromptTokens => InputTokens is null && CacheCreationInputTokens is null && CacheReadInputTokens is null
        ? null
        : (InputTokens ?? 0) + (CacheCreationInputTokens ?? 0) + (CacheReadInputTokens ?? 0);
}

/// <summary>One stream event's data; which fields are set depends on <see cref="Type"/>.</summary>
internal sealed record AnthropicEvent
{
    public string? Type { get; set; }
    public AnthropicMessage? Message { get; set; }
    public int? Index { get; set; }
    public AnthropicBlock? ContentBlock { get; set; }
    public AnthropicDelta? Delta { get; set; }
    public AnthropicUsage? Usage { get; set; }
    public AnthropicError? Error { get; set; }
}

/// <summary><c>delta</c> of <c>content_block_delta</c> (<c>text_delta</c>, <c>input_json_delta</c>) or <c>message_delta</c>.</summary>
internal sealed record AnthropicDelta
{
    public string? Type { get; set; }
    public string? Text { get; set; }
    public string? PartialJson { get; set; }
    public string? StopReason { get; set; }
}

/// <summary><c>error</c> of an error body or an <c>error</c> event: <c>{type, message}</c>.</summary>
internal sealed record AnthropicError
{
    public string? Type { get; set; }
    public string? Message { get; set; }
}
