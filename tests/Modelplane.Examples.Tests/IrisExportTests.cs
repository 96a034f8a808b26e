using Modelplane.Examples.Iris;

namespace Modelplane.Examples.Tests;

[Collection(IrisCollection.Name)]
public sealed class IrisExportTests(IrisFixture iris)
{
    [Fact]
    public void Export_TrainedTwice_GivesIdenticalBytes()
    {
        var first = IrisOnnxExporter.Export(IrisTrainer.Train(iris.Rows));
        var second = IrisOnnxExporter.Export(IrisTrainer.Train(iris.Rows));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Export_FreshModel_PassesTheOnnxRuntimeCheck()
    {
        var check = IrisExportCheck.Run(iris.Trained, IrisOnnxExporter.Export(iris.Trained), iris.Rows);

        Assert.True(check.Passed);
        Assert.Equal(check.MlNetCorrect, check.OnnxCorrect);
    }
}
