using Modelplane.Abstractions;

namespace Modelplane.Core.Governance.Guardrails;

/// <summary>
/// The errors guardrails answer with (docs/guardrails.md): a BLOCK is 400 with <c>error_code</c>
/// <c>{INPUT|OUTPUT}_GUARDRAIL_{PII|INVALID_KEYWORDS|OFF_TOPIC|UNSAFE}</c> and a message naming what was found (the PII
/// type, never the PII itself); a safety judge that cannot rule fails closed with 503 <c>TEMPORARILY_UNAVAILABLE</c>.
/// </summary>
public static class GuardrailErrors
{
    /// <summary><c>input</c>: the request side.</summary>
    public const string Input = "input";

    /// <summary><c>output</c>: the response side.</summary>
    public const string Output = "output";

    /// <summary>The guardrail names as <see cref="GuardrailDetection.Guardrail"/> records them.</summary>
    public const string Pii = "pii", InvalidKeywords = "invalid_keywords", ValidTopics = "valid_topics", Safety = "safety";

    /// <summary>The error code of a block: <c>INPUT_GUARDRAIL_PII</c>, <c>OUTPUT_GUARDRAIL_UNSAFE</c>, ….</summary>
    /// <param name="side"><see cref="Input"/> or <see cref="Output"/>.</param>
    /// <param name="guardrail">A guardrail name.</param>
    public static string Code(string side, string guardrail) => $"{side.ToUpperInvariant()}_GUARDRAIL_" + guardrail switch
    {
        Pii => "PII",
        InvalidKeywords => "INVALID_KEYWORDS",
        ValidTopics => "OFF_TOPIC",
        _ => "UNSAFE",
    };

    /// <summary>400 for a blocked request or response.</summary>
    /// <param name="side"><see cref="Input"/> or <see cref="Output"/>.</param>
    /// <param name="guardrail">The guardrail that blocked.</param>
    /// <param name="what">What was found, e.g. <c>PII (EMAIL, PHONE)</c>; never the text itself.</param>
    public static ModelplaneException Blocked(string side, string guardrail, string what) =>
        new(Code(side, guardrail), $"The {(side == Input ? "request" : "response")} was blocked by the {side} guardrail '{guardrail}': {what}.", 400);

    /// <summary>503 when the safety judge gave no verdict (unconfigured, not serving, failed, or malformed answer):
    /// safety fails closed.</summary>
    /// <param name="side"><see cref="Input"/> or <see cref="Output"/>.</param>
    /// <param name="why">Why, naming the judge endpoint.</param>
    /// <param name="inner">The judge's error, if any.</param>
    public static ModelplaneException JudgeUnavailable(string side, string why, Exception? inner = null) =>
        new(ErrorCode.TemporarilyUnavailable, $"The {side} guardrail 'safety' could not get a verdict, so the {(side == Input ? "request" : "response")} was not served: {why}", 503, inner);
}
