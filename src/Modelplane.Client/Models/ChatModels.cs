using Modelplane.Abstractions.Llm;

namespace Modelplane.Client;

/// <summary>
/// The answer of a non-streamed chat query, <c>POST /serving-endpoints/{name}/invocations</c> with an OpenAI
/// <c>CreateChatCompletionRequest</c> body (databricks-serving.md §2.2): the <c>chat.completion</c> and the headers
/// every LLM answer carries.
/// </summary>
/// <param name="Completion">The <c>chat.completion</c> as the node sent it (unknown fields kept in
/// <c>AdditionalProperties</c>).</param>
/// <param name="ServedModelName">The <c>served-model-name</c> header: which served entity answered.</param>
/// <param name="RequestId">The <c>x-request-id</c> header, when the node sent one.</param>
/// <param name="UsageEstimated">True when the node answered <c>x-modelplane-usage: estimated</c>: the provider gave
/// no token counts and <see cref="ChatCompletion.Usage"/> was counted locally.</param>
public sealed record ChatResult(ChatCompletion Completion, string? ServedModelName, string? RequestId, bool UsageEstimated);
