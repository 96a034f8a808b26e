namespace Modelplane.Sql.Ai.Tasks;

/// <summary>
/// The fixed prompts of the task functions (docs/ai-functions.md lists them): one system message per function and a
/// user message template; <c>{content}</c>, <c>{labels}</c> (a JSON array), <c>{language}</c>, <c>{words}</c> and
/// <c>{schema}</c> are filled per row. The text to work on always comes last, after <c>Text:</c>.
/// </summary>
internal static class TaskPrompts
{
    public const string GenSystem =
        "You are a helpful assistant. Answer the user's request directly, without preamble.";

    public const string SummarizeSystem =
        "You summarize text. Answer with the summary only: no title, no preamble, no quotes.";

    public const string SummarizeUser = "Summarize the following text in at most {words} words.\n\nText:\n{content}";

    public const string SummarizeUnlimitedUser = "Summarize the following text.\n\nText:\n{content}";

    public const string TranslateSystem =
        "You translate text. Answer with the translation only: no notes, no quotes, nothing else.";

    public const string TranslateUser = "Translate the following text to {language}.\n\nText:\n{content}";

    public const string ClassifySystem =
        "You classify text. Answer with a JSON object {\"label\": \"...\"} whose label is exactly one of the given labels.";

    public const string ClassifyUser = "Classify the text into exactly one of these labels: {labels}\n\nText:\n{content}";

    public const string ExtractSystem =
        "You extract information from text. Answer with one JSON object that matches the given JSON Schema and nothing "
        + "else; use null for anything the text does not say.";

    public const string ExtractUser = "Extract from the text the fields of this JSON Schema:\n{schema}\n\nText:\n{content}";

    public const string SentimentSystem =
        "You analyze the sentiment of text. Answer with a JSON object {\"sentiment\": \"...\"} whose sentiment is one of "
        + "positive, negative, neutral, mixed.";

    public const string SentimentUser = "What is the sentiment of the following text?\n\nText:\n{content}";

    public const string FixGrammarSystem =
        "You correct grammar and spelling. Answer with the corrected text only, keeping its meaning, language and formatting.";

    public const string FixGrammarUser = "Correct the grammar and spelling of the following text.\n\nText:\n{content}";

    public const string MaskSystem =
        "You mask sensitive information. Answer with the given text only, every entity of the given kinds replaced by "
        + "[MASKED] and everything else unchanged.";

    public const string MaskUser = "Replace every entity of these kinds with [MASKED]: {labels}\n\nText:\n{content}";

    /// <summary>Puts the row's text into a template whose other placeholders are already filled.</summary>
    /// <param name="template">A <c>*User</c> template.</param>
    /// <param name="content">The row's text.</param>
    public static string Fill(string template, string content) => template.Replace("{content}", content, StringComparison.Ordinal);
}
