using System.Text;

namespace Modelplane.Core.Metrics;

/// <summary>
/// Copies Prometheus text format 0.0.4 (as prometheus-net writes it: each family's <c># HELP</c> and <c># TYPE</c>
/// lines, then its samples) keeping only the samples of one endpoint, and a family's comment lines only when at least
/// one of its samples is kept. Label values are read with their escapes (<c>\\</c>, <c>\"</c>, <c>\n</c>).
/// </summary>
internal static class PrometheusTextFilter
{
    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/>; a null endpoint keeps every sample.</summary>
    public static async Task CopyAsync(Stream source, Stream destination, string? endpoint, CancellationToken ct)
    {
        using var reader = new StreamReader(source, Encoding.UTF8);
        await using var writer = new StreamWriter(destination, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true) { NewLine = "\n" };
        var header = new List<string>();
        string? headerFamily = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '#')
            {
                var family = CommentFamily(line);
                if (family != headerFamily)
                {
                    header.Clear();
                    headerFamily = family;
                }

                header.Add(line);
                continue;
            }

            if (endpoint is not null && LabelValue(line, ServingMetrics.EndpointLabel) != endpoint)
            {
                continue;
            }

            foreach (var comment in header)
            {
                await writer.WriteLineAsync(comment);
            }

            header.Clear();
            await writer.WriteLineAsync(line);
        }

        await writer.FlushAsync(ct);
    }

    /// <summary>The family a <c># HELP</c> or <c># TYPE</c> line is about; null for other comments.</summary>
    private static string? CommentFamily(string comment)
    {
        var parts = comment.Split(' ', 4, StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 3 && parts[1] is "HELP" or "TYPE" ? parts[2] : null;
    }

    /// <summary>The unescaped value of label <paramref name="name"/> in a sample line, or null when it has none.</summary>
    internal static string? LabelValue(string sample, string name)
    {
        var open = sample.IndexOf('{', StringComparison.Ordinal);
        if (open < 0)
        {
            return null;
        }

        var i = open + 1;
        while (i < sample.Length && sample[i] != '}')
        {
            var equals = sample.IndexOf('=', i);
            if (equals < 0 || equals + 1 >= sample.Length || sample[equals + 1] != '"')
            {
                return null;
            }

            var label = sample[i..equals].Trim();
            var value = new StringBuilder();
            i = equals + 2;
            for (; i < sample.Length && sample[i] != '"'; i++)
            {
                if (sample[i] == '\\' && i + 1 < sample.Length)
                {
                    i++;
                    value.Append(sample[i] == 'n' ? '\n' : sample[i]);
                }
                else
                {
                    value.Append(sample[i]);
                }
            }

            if (label == name)
            {
                return value.ToString();
            }

            i++;
            if (i < sample.Length && sample[i] == ',')
            {
                i++;
            }
        }

        return null;
    }
}
