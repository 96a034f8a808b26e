using System.Text;

namespace Modelplane.Core.Governance.Guardrails;

/// <summary>
/// Output guardrails on one streamed choice: text is released as chunks pass, except the last
/// <see cref="TextPolicy.HoldBack"/> characters, so a match split across chunks is still whole when it is checked
/// (every match is shorter than the hold-back, so a match that ends before the held text cannot grow). A match that
/// straddles the release point is held back whole. The released text is scanned with up to one hold-back of already
/// released text before it as context (for the patterns' boundary checks); matches starting in the context were
/// handled when it was released. Not thread-safe: one per choice per stream.
/// </summary>
/// <param name="policy">The output side's text policy.</param>
/// <param name="tally">Counts what is released.</param>
public sealed class ChoiceScanner(TextPolicy policy, DetectionTally tally)
{
    private readonly StringBuilder pending = new();
    private string context = string.Empty;

    /// <summary>Whether text is held.</summary>
    public bool HasPending => pending.Length > 0;

    /// <summary>Adds a chunk's text and returns what may be released now (masked under MASK; possibly empty).</summary>
    /// <param name="text">The chunk's text for this choice.</param>
    /// <param name="final">True on the choice's last chunk (finish reason) or at the stream's end: release everything.</param>
    /// <param name="detections">Where findings go when they block.</param>
    /// <exception cref="Abstractions.ModelplaneException">400 <c>OUTPUT_GUARDRAIL_…</c> when released text holds a
    /// keyword, or PII under BLOCK.</exception>
    public string Push(string text, bool final, List<GuardrailDetection> detections)
    {
        pending.Append(text);
        if (!final && pending.Length <= policy.HoldBack)
        {
            return string.Empty; // Nothing can be released yet: skip the scan (the cut below would fall inside the context).
        }

        var window = context + pending;
        var (pii, keywords) = policy.Find(window);
        var cut = final ? window.Length : window.Length - policy.HoldBack;
        for (var moved = true; moved;)
        {
            moved = false;
            foreach (var (start, end) in pii.Select(m => (m.Start, m.End)).Concat(keywords.Select(k => (k.Start, k.Start + k.Length))))
            {
                if (start < cut && end > cut)
                {
                    cut = start;
                    moved = true;
                }
            }
        }

        if (cut <= context.Length)
        {
            return string.Empty;
        }

        var from = context.Length;
        var releasedPii = pii.Where(m => m.Start >= from && m.End <= cut).ToList();
        policy.Count(releasedPii, keywords.Where(k => k.Start >= from && k.Start + k.Length <= cut), tally);
        tally.ThrowIfBlocked(detections);

        var released = window[from..cut];
        pending.Remove(0, cut - from);
        var seen = window[..cut];
        context = seen.Length <= policy.HoldBack ? seen : seen[^policy.HoldBack..];
        if (!policy.Masks || releasedPii.Count == 0)
        {
            return released;
        }

        return PiiDetector.Mask(released, [.. releasedPii.Select(m => m with { Start = m.Start - from })]);
    }
}
