using System.Globalization;

namespace Modelplane.Testing.Prometheus;

/// <summary>One sample line: its name (e.g. <c>x_bucket</c>), labels, value and optional timestamp (Unix ms).</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value, long? TimestampMs)
{
    /// <summary>The labels without <paramref name="except"/>, in a canonical text form (for grouping series).</summary>
    public string LabelKey(string? except = null) => string.Join(",", Labels
        .Where(l => l.Key != except)
        .OrderBy(l => l.Key, StringComparer.Ordinal)
        .Select(l => $"{l.Key}={l.Value.Length.ToString(CultureInfo.InvariantCulture)}:{l.Value}"));
}

/// <summary>A metric family: name, type (<c>counter</c>, <c>gauge</c>, <c>histogram</c>, <c>summary</c>,
/// <c>untyped</c>), HELP text (unescaped) and samples in document order.</summary>
public sealed class PrometheusFamily(string name)
{
    /// <summary>The family name (a histogram's without <c>_bucket</c>/<c>_sum</c>/<c>_count</c>).</summary>
    public string Name { get; } = name;

    /// <summary>The declared type, <c>untyped</c> when no TYPE line names it.</summary>
    public string Type { get; internal set; } = "untyped";

    /// <summary>True once a TYPE line named the family.</summary>
    public bool TypeDeclared { get; internal set; }

    /// <summary>The HELP text, unescaped; null without a HELP line.</summary>
    public string? Help { get; internal set; }

    /// <summary>The samples.</summary>
    public List<PrometheusSample> Samples { get; } = [];
}

/// <summary>A parsed, validated Prometheus text document (<see cref="PrometheusText.Parse"/>).</summary>
public sealed class PrometheusDocument(IReadOnlyList<PrometheusFamily> families)
{
    /// <summary>The families in document order.</summary>
    public IReadOnlyList<PrometheusFamily> Families { get; } = families;

    /// <summary>All samples in document order.</summary>
    public IEnumerable<PrometheusSample> AllSamples => Families.SelectMany(f => f.Samples);

    /// <summary>The family named <paramref name="name"/>, or null.</summary>
    public PrometheusFamily? Family(string name) => Families.FirstOrDefault(f => f.Name == name);

    /// <summary>The samples named <paramref name="sampleName"/> whose labels include every pair given.</summary>
    public IEnumerable<PrometheusSample> Samples(string sampleName, params (string Name, string Value)[] labels) =>
        AllSamples.Where(s => s.Name == sampleName && labels.All(l => s.Labels.TryGetValue(l.Name, out var v) && v == l.Value));

    /// <summary>The value of the one sample named <paramref name="sampleName"/> whose labels include every pair given.</summary>
    /// <exception cref="InvalidOperationException">No such sample, or more than one.</exception>
    public double Value(string sampleName, params (string Name, string Value)[] labels)
    {
        var matches = Samples(sampleName, labels).ToList();
        return matches.Count == 1 ? matches[0].Value
            : throw new InvalidOperationException($"{matches.Count} samples named {sampleName} with labels {string.Join(",", labels)}; expected one.");
    }
}
