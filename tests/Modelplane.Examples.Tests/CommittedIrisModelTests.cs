using Microsoft.ML.OnnxRuntime.Tensors;
using Modelplane.Examples.Iris;

namespace Modelplane.Examples.Tests;

[Collection(IrisCollection.Name)]
public sealed class CommittedIrisModelTests(IrisFixture iris)
{
    [Fact]
    public void CommittedOnnx_AllRows_SameLabelsAsFreshlyTrainedModel()
    {
        var expected = iris.Trained.Predict(iris.Rows).Select(p => p.PredictedLabel).ToList();

        using var scorer = new IrisOnnxScorer(iris.CommittedOnnx);
        var actual = scorer.Score(iris.Rows).Select(s => s.Species).ToList();

        Assert.Equal(150, actual.Count);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void CommittedOnnx_AllRows_ProbabilitiesMatchFreshlyTrainedModel()
    {
        var check = IrisExportCheck.Run(iris.Trained, iris.CommittedOnnx, iris.Rows);

        Assert.Equal(0, check.LabelMismatches);
        Assert.InRange(check.MaxProbabilityDifference, 0, IrisExportCheck.ProbabilityTolerance);
        Assert.True(check.Passed);
    }

    [Fact]
    public void CommittedOnnx_Graph_HasExactlyFourFloatInputs()
    {
        using var scorer = new IrisOnnxScorer(iris.CommittedOnnx);

        Assert.Equal(["sepal_length", "sepal_width", "petal_length", "petal_width"], scorer.InputNames);
        foreach (var name in scorer.InputNames)
        {
            Assert.Equal(TensorElementType.Float, scorer.Metadata[name].ElementDataType);
            Assert.Equal([-1, 1], scorer.Metadata[name].Dimensions);
        }
    }

    [Fact]
    public void CommittedOnnx_Graph_HasExactlySpeciesAndProbabilitiesOutputs()
    {
        using var scorer = new IrisOnnxScorer(iris.CommittedOnnx);

        Assert.Equal(["species", "probabilities"], scorer.OutputNames);
        Assert.Equal(TensorElementType.String, scorer.Metadata["species"].ElementDataType);
        Assert.Equal([-1, 1], scorer.Metadata["species"].Dimensions);
        Assert.Equal(TensorElementType.Float, scorer.Metadata["probabilities"].ElementDataType);
        Assert.Equal([-1, 3], scorer.Metadata["probabilities"].Dimensions);
    }

    [Fact]
    public void CommittedOnnx_Metadata_RecordsClassOrder()
    {
        using var scorer = new IrisOnnxScorer(iris.CommittedOnnx);

        Assert.Equal("Iris-setosa,Iris-versicolor,Iris-virginica", scorer.CustomMetadata[IrisOnnxExporter.ClassOrderMetadataKey]);
        Assert.Equal(["Iris-setosa", "Iris-versicolor", "Iris-virginica"], iris.Trained.ClassOrder);
    }

    [Fact]
    public void CommittedOnnx_OnePerSpecies_ProbabilitiesFollowClassOrder()
    {
        using var scorer = new IrisOnnxScorer(iris.CommittedOnnx);
        var examples = MlflowInputExample.PickRows(iris.Rows);

        var scores = scorer.Score(examples);

        for (var i = 0; i < examples.Count; i++)
        {
            var best = Array.IndexOf(scores[i].Probabilities, scores[i].Probabilities.Max());
            Assert.Equal(examples[i].Species, IrisSchema.ClassOrder[best]);
            Assert.Equal(examples[i].Species, scores[i].Species);
            Assert.Equal(1f, scores[i].Probabilities.Sum(), 1e-4f);
        }
    }
}
