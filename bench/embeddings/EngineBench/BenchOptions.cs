using System.Globalization;

namespace EngineBench;

/// <summary>Command-line options of the engine bench (see Program.cs for their meaning).</summary>
internal sealed record BenchOptions(string Sentences, int Threads, int[] Batches, int Rounds, double Seconds, double Warmup, string? ModelDirectory)
{
    /// <summary>Parses <c>--name value</c> pairs; prints the problem to stderr and returns null on a bad argument.</summary>
    public static BenchOptions? Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                return Fail($"expected --name value pairs; got '{args[i]}'.");
            }

            values[args[i][2..]] = args[i + 1];
        }

        var known = new[] { "sentences", "threads", "batches", "rounds", "seconds", "warmup", "model-dir" };
        if (values.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
        {
            return Fail($"unknown option --{unknown}; known: --{string.Join(", --", known)}.");
        }

        if (!values.TryGetValue("sentences", out var sentences) || !File.Exists(sentences))
        {
            return Fail("--sentences must name a file with one sentence per line.");
        }

        try
        {
            var options = new BenchOptions(
                sentences,
                int.Parse(values.GetValueOrDefault("threads", "2"), CultureInfo.InvariantCulture),
                values.GetValueOrDefault("batches", "1,8,32").Split(',').Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray(),
                int.Parse(values.GetValueOrDefault("rounds", "5"), CultureInfo.InvariantCulture),
                double.Parse(values.GetValueOrDefault("seconds", "3"), CultureInfo.InvariantCulture),
                double.Parse(values.GetValueOrDefault("warmup", "2"), CultureInfo.InvariantCulture),
                values.GetValueOrDefault("model-dir"));
            return options is { Threads: >= 1, Rounds: >= 1, Seconds: > 0, Warmup: >= 0 } && options.Batches.All(b => b >= 1)
                ? options
                : Fail("--threads, --rounds and each of --batches must be at least 1, --seconds above 0, --warmup 0 or more.");
        }
        catch (FormatException ex)
        {
            return Fail($"a number did not parse: {ex.Message}");
        }
    }

    private static BenchOptions? Fail(string message)
    {
        Console.Error.WriteLine($"EngineBench: {message}");
        return null;
    }
}
