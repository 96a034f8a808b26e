using Modelplane.Examples.Iris;

namespace Modelplane.Examples.Tests;

/// <summary>
/// Trains the Iris model once from the committed CSV and reads the committed model directory (both found by walking up
/// from the test binaries to <c>Modelplane.slnx</c>).
/// </summary>
public sealed class IrisFixture
{
    /// <summary>Trains and loads.</summary>
    public IrisFixture()
    {
        Rows = IrisTrainer.ReadCsv(IrisPaths.DataFile);
        Trained = IrisTrainer.Train(Rows);
        ModelDirectory = IrisPaths.ModelDirectory;
        CommittedOnnx = File.ReadAllBytes(Path.Combine(ModelDirectory, "model.onnx"));
    }

    /// <summary>The 150 rows of <c>examples/iris/data/iris.csv</c>.</summary>
    public IReadOnlyList<IrisFlower> Rows { get; }

    /// <summary>A model freshly trained on <see cref="Rows"/>.</summary>
    public TrainedIris Trained { get; }

    /// <summary><c>examples/iris/model</c>.</summary>
    public string ModelDirectory { get; }

    /// <summary>The committed <c>model.onnx</c>.</summary>
    public byte[] CommittedOnnx { get; }

    /// <summary>Reads a committed file of the model directory as text.</summary>
    /// <param name="name">File name.</param>
    /// <returns>Its text.</returns>
    public string ReadText(string name) => File.ReadAllText(Path.Combine(ModelDirectory, name));
}

/// <summary>Shares one <see cref="IrisFixture"/> between the test classes.</summary>
[CollectionDefinition(Name)]
public sealed class IrisCollection : ICollectionFixture<IrisFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "iris";
}
