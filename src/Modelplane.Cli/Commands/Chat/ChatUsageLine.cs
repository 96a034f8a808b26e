using System.Globalization;
using Modelplane.Abstractions.Llm;

namespace Modelplane.Cli.Commands.Chat;

/// <summary>
/// The line <c>modelplane chat</c> writes to standard error after an answer: <c>prompt N, completion M tokens</c>,
/// with <c> (estimated)</c> when the node counted them itself (<c>x-modelplane-usage: estimated</c>; streams carry no
/// such header, so a streamed answer's line never has the marker).
/// </summary>
internal static class ChatUsageLine
{
    /// <summary>The line, or null when the answer carried no usage.</summary>
    /// <param name="usage">The answer's <c>usage</c>.</param>
    /// <param name="estimated">Whether the node marked it estimated.</param>
    public static string? Format(Usage? usage, bool estimated) => usage is null
        ? null
        : string.Create(CultureInfo.InvariantCulture, $"prompt {usage.PromptTokens}, completion {usage.CompletionTokens ?? 0} tokens{(estimated ? " (estimated)" : "")}");
}
