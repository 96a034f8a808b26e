namespace Modelplane.Core.Governance.Guardrails;

/// <summary>
/// One guardrail finding on a request or response, recorded whether or not it blocked (inference tables, metrics).
/// </summary>
/// <param name="Side"><c>input</c> or <c>output</c>.</param>
/// <param name="Guardrail"><c>pii</c>, <c>invalid_keywords</c>, <c>valid_topics</c> or <c>safety</c>.</param>
/// <param name="Kind">What was found: a PII type (<c>EMAIL</c>, <c>PHONE</c>, <c>CREDIT_CARD</c>, <c>US_SSN</c>,
/// <c>IBAN</c>, <c>IP_ADDRESS</c>), the keyword, <c>off_topic</c>, or the judge's category.</param>
/// <param name="Count">How many occurrences.</param>
/// <param name="Action"><c>NONE</c> (recorded only), <c>MASK</c> or <c>BLOCK</c>.</param>
public sealed record GuardrailDetection(string Side, string Guardrail, string Kind, int Count, string Action);
