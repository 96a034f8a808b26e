using System.Globalization;

namespace Modelplane.Testing.Prometheus;

/// <summary>The per-type rules <see cref="PrometheusText.Parse"/> applies to each family once all lines are read.</summary>
internal static class PrometheusSemantics
{
    public static void Check(PrometheusFamily family, Func<PrometheusSample, int> lineOf)
    {
        switch (family.Type)
        {
            case "histogram":
                Histogram(family, lineOf);
                break;
            case "summary":
                Summary(family, lineOf);
                break;
            default:
                foreach (var sample in family.Samples)
                {
                    if (sample.Name != family.Name)
                    {
                        throw new PrometheusFormatException(lineOf(sample), $"{sample.Name} does not belong to {family.Type} {family.Name}");
                    }

                    if (family.Type == "counter" && !(sample.Value >= 0))
                    {
                        throw new PrometheusFormatException(lineOf(sample), $"counter {family.Name} has value {sample.Value.ToString(CultureInfo.InvariantCulture)}; counters are >= 0");
                    }
                }

                break;
        }
    }

    private static void Histogram(PrometheusFamily family, Func<PrometheusSample, int> lineOf)
    {
        var name = family.Name;
        foreach (var sample in family.Samples)
        {
            var isBucket = sample.Name == name + "_bucket";
            if (!isBucket && sample.Name != name + "_sum" && sample.Name != name + "_count")
            {
                throw new PrometheusFormatException(lineOf(sample), $"{sample.Name} does not belong to histogram {name} (only _bucket, _sum, _count)");
            }

            if (isBucket != sample.Labels.ContainsKey("le"))
            {
                throw new PrometheusFormatException(lineOf(sample), isBucket ? $"bucket of {name} without le" : $"{sample.Name} must not have le");
            }

            if (sample.Name != name + "_sum" && !(sample.Value >= 0))
            {
                throw new PrometheusFormatException(lineOf(sample), $"{sample.Name} must be a count >= 0");
            }
        }

        foreach (var series in family.Samples.GroupBy(s => s.LabelKey(except: "le")))
        {
            var first = lineOf(series.First());
            var count = series.SingleOrDefault(s => s.Name == name + "_count")
                ?? throw new PrometheusFormatException(first, $"histogram {name}{{{series.Key}}} has no _count");
            _ = series.SingleOrDefault(s => s.Name == name + "_sum")
                ?? throw new PrometheusFormatException(first, $"histogram {name}{{{series.Key}}} has no _sum");
            var buckets = series.Where(s => s.Name == name + "_bucket")
                .Select(s => (Le: Bound(s, lineOf), Sample: s))
                .OrderBy(b => b.Le)
                .ToList();
            if (buckets.Count == 0 || !double.IsPositiveInfinity(buckets[^1].Le))
            {
                throw new PrometheusFormatException(first, $"histogram {name}{{{series.Key}}} has no le=\"+Inf\" bucket");
            }

            for (var i = 1; i < buckets.Count; i++)
            {
                if (buckets[i].Le == buckets[i - 1].Le)
                {
                    throw new PrometheusFormatException(lineOf(buckets[i].Sample), $"histogram {name} has two buckets with le={buckets[i].Le.ToString(CultureInfo.InvariantCulture)}");
                }

                if (buckets[i].Sample.Value < buckets[i - 1].Sample.Value)
                {
                    throw new PrometheusFormatException(lineOf(buckets[i].Sample), $"histogram {name} buckets are not cumulative: le={buckets[i].Sample.Labels["le"]} has fewer than the bucket below");
                }
            }

            if (buckets[^1].Sample.Value != count.Value)
            {
                throw new PrometheusFormatException(lineOf(count), $"histogram {name}: le=\"+Inf\" bucket ({buckets[^1].Sample.Value.ToString(CultureInfo.InvariantCulture)}) differs from _count ({count.Value.ToString(CultureInfo.InvariantCulture)})");
            }
        }
    }

    private static void Summary(PrometheusFamily family, Func<PrometheusSample, int> lineOf)
    {
        var name = family.Name;
        foreach (var sample in family.Samples)
        {
            if (sample.Name == name)
            {
                if (!sample.Labels.TryGetValue("quantile", out var q)
                    || !double.TryParse(q, NumberStyles.Float, CultureInfo.InvariantCulture, out var quantile) || quantile is < 0 or > 1)
                {
                    throw new PrometheusFormatException(lineOf(sample), $"summary {name} sample needs a quantile label in [0, 1]");
                }
            }
            else if (sample.Name != name + "_sum" && sample.Name != name + "_count")
            {
                throw new PrometheusFormatException(lineOf(sample), $"{sample.Name} does not belong to summary {name}");
            }
            else if (sample.Labels.ContainsKey("quantile"))
            {
                throw new PrometheusFormatException(lineOf(sample), $"{sample.Name} must not have quantile");
            }
        }

        foreach (var series in family.Samples.GroupBy(s => s.LabelKey(except: "quantile")))
        {
            if (!series.Any(s => s.Name == name + "_sum") || !series.Any(s => s.Name == name + "_count"))
            {
                throw new PrometheusFormatException(lineOf(series.First()), $"summary {name}{{{series.Key}}} needs _sum and _count");
            }
        }
    }

    private static double Bound(PrometheusSample bucket, Func<PrometheusSample, int> lineOf)
    {
        var le = bucket.Labels["le"];
        return le switch
        {
            "+Inf" => double.PositiveInfinity,
            _ when double.TryParse(le, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) => v,
            _ => throw new PrometheusFormatException(lineOf(bucket), $"le=\"{le}\" is not a number"),
        };
    }
}
