using System.Diagnostics;

namespace EngineBench;

/// <summary>What one engine did in one timed stretch: sentences embedded, wall time, and each call's latency.</summary>
internal sealed record Stretch(long Sentences, double Seconds, List<double> CallMs)
{
    /// <summary>Sentences per second over the stretch.</summary>
    public double SentencesPerSecond => Sentences / Seconds;
}

/// <summary>One batch size's result for one engine: the per-round rates and all call latencies.</summary>
internal sealed record EngineResult(List<double> RoundRates, List<double> CallMs)
{
    /// <summary>Median sentences/s over the rounds.</summary>
    public double MedianRate => Stats.Median(RoundRates);
}

/// <summary>The timing loops.</summary>
internal static class Measurement
{
    /// <summary>
    /// Calls of <paramref name="batchSize"/> consecutive corpus sentences, start moving by <paramref name="batchSize"/>
    /// each call and wrapping around the corpus; both engines walk the same sequence from the start.
    /// </summary>
    public static string[][] Batches(string[] corpus, int batchSize)
    {
        var count = corpus.Length;
        var batches = new string[count][];
        for (var call = 0; call < count; call++)
        {
            var start = (long)call * batchSize % count;
            batches[call] = Enumerable.Range(0, batchSize).Select(i => corpus[(start + i) % count]).ToArray();
        }

        return batches;
    }

    /// <summary>Encodes batch after batch for <paramref name="seconds"/> (the call in flight at the end finishes).</summary>
    public static Stretch Run(IBenchEncoder encoder, string[][] batches, double seconds)
    {
        var calls = new List<double>();
        long sentences = 0;
        var call = 0;
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds)
        {
            var batch = batches[call++ % batches.Length];
            var started = Stopwatch.GetTimestamp();
            _ = encoder.Encode(batch);
            calls.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            sentences += batch.Length;
        }

        return new Stretch(sentences, total.Elapsed.TotalSeconds, calls);
    }

    /// <summary>
    /// For one batch size: a warm-up of <paramref name="warmupSeconds"/> per engine, then <paramref name="rounds"/>
    /// rounds of <paramref name="seconds"/> per engine, the engines alternating (round 0: a then b; round 1: b then a;
    /// …) so that drift on a shared machine falls on both.
    /// </summary>
    public static (EngineResult A, EngineResult B) Compare(
        IBenchEncoder a, IBenchEncoder b, string[][] batches, int rounds, double seconds, double warmupSeconds, Action<string> log)
    {
        Run(a, batches, warmupSeconds);
        Run(b, batches, warmupSeconds);
        var resultA = new EngineResult([], []);
        var resultB = new EngineResult([], []);
        for (var round = 0; round < rounds; round++)
        {
            var order = round % 2 == 0 ? new[] { (a, resultA), (b, resultB) } : [(b, resultB), (a, resultA)];
            foreach (var (encoder, result) in order)
            {
                var stretch = Run(encoder, batches, seconds);
                result.RoundRates.Add(stretch.SentencesPerSecond);
                result.CallMs.AddRange(stretch.CallMs);
                log($"batch {batches[0].Length} round {round + 1}/{rounds} {encoder.Name}: {stretch.SentencesPerSecond:F1} sentences/s over {stretch.CallMs.Count} calls");
            }
        }

        return (resultA, resultB);
    }

    /// <summary>Cosine of two vectors (1 for identical directions).</summary>
    public static double Cosine(float[] x, float[] y)
    {
        double dot = 0, nx = 0, ny = 0;
        for (var i = 0; i < x.Length; i++)
        {
            dot += (double)x[i] * y[i];
            nx += (double)x[i] * x[i];
            ny += (double)y[i] * y[i];
        }

        return dot / (Math.Sqrt(nx) * Math.Sqrt(ny));
    }
}

/// <summary>Order statistics.</summary>
internal static class Stats
{
    /// <summary>The median (mean of the two middle values for an even count); NaN when empty.</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    /// <summary>The nearest-rank percentile <paramref name="p"/> (0–100); NaN when empty.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
