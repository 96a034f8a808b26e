using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using Microsoft.ML.Transforms;

namespace Modelplane.Examples.Iris;

/// <summary>
/// Trains the Iris classifier: MinMax-normalized measurements into SDCA maximum entropy, single-threaded with a fixed
/// seed so that the same CSV gives the same weights.
/// </summary>
/// <remarks>
/// The label (string → key) mapping is fitted apart from the scoring chain, so the chain that is exported to ONNX
/// needs only the four measurements; a <c>Label</c> input would otherwise appear in the graph.
/// </remarks>
public static class IrisTrainer
{
    /// <summary>The seed given to <see cref="MLContext"/>.</summary>
    public const int Seed = 1;

    private const string LabelKey = "Label";
    private const string Features = "Features";

    /// <summary>Reads <paramref name="csvPath"/> (header row, comma-separated, <see cref="IrisFlower"/> columns).</summary>
    /// <param name="csvPath">Path to <c>iris.csv</c>.</param>
    /// <returns>The rows in file order.</returns>
    public static IReadOnlyList<IrisFlower> ReadCsv(string csvPath)
    {
        var ml = new MLContext(Seed);
        var view = ml.Data.LoadFromTextFile<IrisFlower>(csvPath, separatorChar: ',', hasHeader: true);
        return ml.Data.CreateEnumerable<IrisFlower>(view, reuseRowObject: false).ToList();
    }

    /// <summary>Trains on every row of <paramref name="rows"/>.</summary>
    /// <param name="rows">Training rows.</param>
    /// <returns>The fitted scoring chain and the context that owns it.</returns>
    public static TrainedIris Train(IReadOnlyList<IrisFlower> rows)
    {
        var ml = new MLContext(Seed);
        var data = ml.Data.LoadFromEnumerable(rows);

        var labelMapping = ml.Transforms.Conversion
            .MapValueToKey(LabelKey, IrisSchema.Species, keyOrdinality: ValueToKeyMappingEstimator.KeyOrdinality.ByValue)
            .Fit(data);
        var keyed = labelMapping.Transform(data);
        var classOrder = KeyNames(keyed.Schema[LabelKey]);

        var trainer = ml.MulticlassClassification.Trainers.SdcaMaximumEntropy(new SdcaMaximumEntropyMulticlassTrainer.Options
        {
            LabelColumnName = LabelKey,
            FeatureColumnName = Features,
            NumberOfThreads = 1,
            Shuffle = false,
        });
        var chain = ml.Transforms.Concatenate(Features, [.. IrisSchema.FeatureColumns])
            .Append(ml.Transforms.NormalizeMinMax(Features))
            .Append(trainer)
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

        return new TrainedIris(ml, chain.Fit(keyed), classOrder);
    }

    private static string[] KeyNames(DataViewSchema.Column column)
    {
        VBuffer<ReadOnlyMemory<char>> names = default;
        column.GetKeyValues(ref names);
        return names.DenseValues().Select(n => n.ToString()).ToArray();
    }
}
