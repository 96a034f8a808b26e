using System.ClientModel;
using Modelplane.Examples.ChatGateway.ChatProgram;
using OpenAI;
using OpenAI.Chat;

// One program for every chat endpoint: the official OpenAI SDK with Modelplane's /serving-endpoints as its base URL,
// the endpoint's name as the model and the node's token as the API key. Whichever provider serves the endpoint
// (OpenAI, Anthropic, ...), the answers have the OpenAI shape.
ChatArguments chat;
try
{
    chat = ChatArguments.Parse(args, Environment.GetEnvironmentVariable);
}
catch (ArgumentException e)
{
    Console.Error.WriteLine(e.Message);
    Console.Error.WriteLine(ChatArguments.Usage);
    return 2;
}

var client = new ChatClient(
    model: chat.Endpoint,
    credential: new ApiKeyCredential(chat.Token),
    options: new OpenAIClientOptions { Endpoint = chat.OpenAiBase });
ChatMessage[] messages = [new UserChatMessage(chat.Prompt)];
Console.WriteLine($"endpoint: {chat.Endpoint} at {chat.OpenAiBase}");

try
{
    // 1. One completion.
    ClientResult<ChatCompletion> result = await client.CompleteChatAsync(messages);
    var answer = result.Value;
    Console.WriteLine($"completion: {string.Concat(answer.Content.Select(part => part.Text))}");
    Console.WriteLine($"completion served by: {Header(result.GetRawResponse(), "served-model-name")}");
    Console.WriteLine($"completion finish_reason: {answer.FinishReason}");
    Console.WriteLine($"completion usage: {UsageText(answer.Usage)}");

    // 2. The same question streamed: deltas are printed as they arrive; the last update carries the usage
    // (the SDK asks for it with stream_options.include_usage).
    Console.Write("stream: ");
    ChatFinishReason? finish = null;
    ChatTokenUsage? usage = null;
    await foreach (var update in client.CompleteChatStreamingAsync(messages))
    {
        foreach (var part in update.ContentUpdate)
        {
            Console.Write(part.Text);
        }

        finish ??= update.FinishReason;
        usage ??= update.Usage;
    }

    Console.WriteLine();
    Console.WriteLine($"stream finish_reason: {finish}");
    Console.WriteLine($"stream usage: {(usage is null ? "none" : UsageText(usage))}");
    return 0;
}
catch (ClientResultException e)
{
    // The node answers errors in the OpenAI shape ({"error": {"message", "type", "code"}}); the SDK puts them here.
    Console.Error.WriteLine($"The node answered {e.Status}: {e.Message}");
    return 1;
}

static string UsageText(ChatTokenUsage usage) =>
    $"prompt_tokens={usage.InputTokenCount} completion_tokens={usage.OutputTokenCount} total_tokens={usage.TotalTokenCount}";

static string Header(System.ClientModel.Primitives.PipelineResponse response, string name) =>
    response.Headers.TryGetValue(name, out var value) ? value ?? "" : "(no header)";
