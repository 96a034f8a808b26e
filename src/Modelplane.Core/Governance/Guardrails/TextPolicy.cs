using Modelplane.Core.Governance.Gateway;

namespace Modelplane.Core.Governance.Guardrails;

/// <summary>
/// The text checks of one side of a guardrail config: PII (with its behaviour) and invalid keywords. Finds spans,
/// counts them on a <see cref="DetectionTally"/> and masks PII when the behaviour is MASK; whether to block is the
/// tally's decision once every piece of text was seen. Built once per config; thread-safe.
/// </summary>
public sealed class TextPolicy
{
    /// <summary>The stream hold-back floor: at least the longest PII match.</summary>
    public const int MinHoldBack = PiiPatterns.MaxMatchLength;

    /// <summary>Builds the policy of one side.</summary>
    /// <param name="parameters">That side's guardrail parameters (validated: behaviour upper-case).</param>
    public TextPolicy(GuardrailParameters parameters)
    {
        PiiBehavior = parameters.Pii?.Behavior; // Upper-cased by AiGatewayValidator.
        Keywords = parameters.InvalidKeywords is { Count: > 0 } k ? new KeywordMatcher(k) : null;
        HoldBack = Math.Max(MinHoldBack, Keywords?.MaxMatchLength ?? 0);
    }

    /// <summary><c>NONE</c>, <c>BLOCK</c>, <c>MASK</c>, or null when PII is not checked.</summary>
    public string? PiiBehavior { get; }

    /// <summary>The keyword matcher, or null when there are no invalid keywords.</summary>
    public KeywordMatcher? Keywords { get; }

    /// <summary>Whether the policy reads text at all.</summary>
    public bool IsActive => PiiBehavior is not null || Keywords is not null;

    /// <summary>Whether PII spans are replaced by placeholders.</summary>
    public bool Masks => PiiBehavior == "MASK";

    /// <summary>Characters a stream holds back per choice: at least the longest possible match.</summary>
    public int HoldBack { get; }

    /// <summary>PII spans (non-overlapping) and keyword spans of <paramref name="text"/>.</summary>
    public (IReadOnlyList<PiiMatch> Pii, IReadOnlyList<(string Keyword, int Start, int Length)> Keywords) Find(string text) =>
        (PiiBehavior is null ? [] : PiiDetector.Find(text), Keywords?.Find(text) ?? []);

    /// <summary>Checks one whole piece of text: counts what it holds and returns it masked (MASK) or as is.</summary>
    /// <param name="text">The text.</param>
    /// <param name="tally">Where findings are counted.</param>
    public string Check(string text, DetectionTally tally)
    {
        var (pii, keywords) = Find(text);
        Count(pii, keywords, tally);
        return Masks ? PiiDetector.Mask(text, pii) : text;
    }

    /// <summary>Counts findings on <paramref name="tally"/> with this policy's actions.</summary>
    public void Count(IEnumerable<PiiMatch> pii, IEnumerable<(string Keyword, int Start, int Length)> keywords, DetectionTally tally)
    {
        foreach (var m in pii)
        {
            tally.Add(GuardrailErrors.Pii, m.Kind, PiiBehavior ?? "NONE");
        }

        foreach (var k in keywords)
        {
            tally.Add(GuardrailErrors.InvalidKeywords, k.Keyword, "BLOCK");
        }
    }
}

/// <summary>
/// Findings of one side of one request, counted by guardrail and kind, until they are written to the invocation's
/// <see cref="Serving.Pipeline.InvocationContext.Detections"/> (<see cref="Flush"/>) and, for a BLOCK, thrown
/// (<see cref="ThrowIfBlocked"/>). Not thread-safe: one per side per request.
/// </summary>
/// <param name="side"><c>input</c> or <c>output</c>.</param>
public sealed class DetectionTally(string side)
{
    private readonly Dictionary<(string Guardrail, string Kind), (int Count, string Action)> counts = [];

    /// <summary>The side counted.</summary>
    public string Side => side;

    /// <summary>Whether anything was found.</summary>
    public bool Any => counts.Count > 0;

    /// <summary>Counts one occurrence.</summary>
    public void Add(string guardrail, string kind, string action)
    {
        var key = (guardrail, kind);
        counts[key] = (counts.GetValueOrDefault(key).Count + 1, action);
    }

    /// <summary>Moves the counts to <paramref name="detections"/> (one entry per guardrail and kind) and clears them.</summary>
    public void Flush(List<GuardrailDetection> detections)
    {
        foreach (var ((guardrail, kind), (count, action)) in counts)
        {
            detections.Add(new GuardrailDetection(side, guardrail, kind, count, action));
        }

        counts.Clear();
    }

    /// <summary>Throws the block error when a counted finding blocks: keywords first, then PII under BLOCK. Flushes to
    /// <paramref name="detections"/> first, so the finding is recorded either way.</summary>
    /// <exception cref="Abstractions.ModelplaneException">400 <c>{SIDE}_GUARDRAIL_INVALID_KEYWORDS</c> or <c>…_PII</c>.</exception>
    public void ThrowIfBlocked(List<GuardrailDetection> detections)
    {
        var keywords = counts.Where(c => c.Key.Guardrail == GuardrailErrors.InvalidKeywords).Sum(c => c.Value.Count);
        var pii = counts.Where(c => c.Key.Guardrail == GuardrailErrors.Pii && c.Value.Action == "BLOCK").Select(c => c.Key.Kind).Order(StringComparer.Ordinal).ToList();
        if (keywords == 0 && pii.Count == 0)
        {
            return;
        }

        Flush(detections);
        throw keywords > 0
            ? GuardrailErrors.Blocked(side, GuardrailErrors.InvalidKeywords, keywords == 1 ? "a blocked keyword" : $"{keywords} blocked keywords")
            : GuardrailErrors.Blocked(side, GuardrailErrors.Pii, $"PII ({string.Join(", ", pii)})");
    }
}
