namespace Modelplane.Testing.Prometheus;

/// <summary>The text is not valid Prometheus text format 0.0.4; <see cref="Line"/> is 1-based (0 for the whole text).</summary>
public sealed class PrometheusFormatException(int line, string message)
    : FormatException(line > 0 ? $"line {line}: {message}" : message)
{
    /// <summary>The offending line, 1-based; 0 when the fault is in the document as a whole.</summary>
    public int Line { get; } = line;
}
