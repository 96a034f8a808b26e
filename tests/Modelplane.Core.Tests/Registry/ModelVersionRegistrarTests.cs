using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Core.Registry;
using Modelplane.Runtimes.Onnx;
using Modelplane.Testing;

namespace Modelplane.Core.Tests.Registry;

public sealed class ModelVersionRegistrarTests : IDisposable
{
    private const string Model = "main.default.iris";
    private readonly RegistryFixture _registry = new();

    public void Dispose() => _registry.Dispose();

    [Fact]
    public async Task BareOnnx_IsStoredAsModelOnnxWithTheGraphSignature()
    {
        var version = await _registry.RegisterAsync(Model, TestArchives.FakeOnnx, "iris.onnx", "first");

        Assert.Equal((1, "READY", "iris.onnx", "first", "alice@example.com"), (version.Version, version.Status, version.Source, version.Comment, version.CreatedBy));
        Assert.Equal("models/main/default/iris/1", version.StoragePath);
        Assert.Equal("model.onnx", version.ModelFile);
        Assert.Equal("onnx", version.Flavor);
        Assert.Equal(TestArchives.FakeOnnx, File.ReadAllBytes(Path.Combine(_registry.DataDir, version.StoragePath, "model.onnx")));
        Assert.Equal("float_input", SignatureJson.Deserialize(version.SignatureJson!).Inputs[0].Name);
        Assert.Null(version.InputExampleJson);
        Assert.Equal(_registry.Time.GetUtcNow().ToUnixTimeMilliseconds(), version.CreatedAt);
        var manifest = $"{Convert.ToHexStringLower(SHA256.HashData(TestArchives.FakeOnnx))}  model.onnx\n";
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(manifest))), version.Sha256);
        Assert.Equal(TestArchives.FakeOnnx.Length, version.SizeBytes);
        Assert.Empty(_registry.TempEntries());
    }

    [Fact]
    public async Task MlflowZip_UsesTheMlmodelSignatureAndServingExample()
    {
        var version = await _registry.RegisterAsync(Model, TestArchives.Zip(TestArchives.OnnxModelDir()), "iris.zip");

        var signature = SignatureJson.Deserialize(version.SignatureJson!);
        Assert.Equal(SignatureKind.Columns, signature.Kind);
        Assert.Equal(["sepal_length", "petal_length"], signature.Inputs.Select(i => i.Name));
        Assert.False(signature.Inputs[1].Required);
        Assert.Equal("sepal_length", JsonNode.Parse(version.InputExampleJson!)!["dataframe_split"]!["columns"]![0]!.GetValue<string>());
        Assert.Single(((FakeModelInspector)_registry.Inspector).Calls);
        var dir = Path.Combine(_registry.DataDir, version.StoragePath);
        Assert.True(File.Exists(Path.Combine(dir, "MLmodel")));
        Assert.Equal((version.Sha256, version.SizeBytes), VersionHash.ComputeDirectory(dir));
    }

    [Fact]
    public async Task SingleTopLevelFolder_IsStrippedAndTheHashIgnoresPacking()
    {
        var flat = await _registry.RegisterAsync(Model, TestArchives.Zip(TestArchives.OnnxModelDir()), "flat.zip");
        var nested = await _registry.RegisterAsync(
            Model, TestArchives.TarGz([TestArchives.Directory("iris/"), .. TestArchives.OnnxModelDir("iris/").Select(e => TestArchives.File(e.Name, e.Data))]), "iris.tgz");

        var dir = Path.Combine(_registry.DataDir, nested.StoragePath);
        Assert.True(File.Exists(Path.Combine(dir, "MLmodel")), "the iris/ folder was stripped");
        Assert.False(Directory.Exists(Path.Combine(dir, "iris")));
        Assert.Equal(flat.Sha256, nested.Sha256);
        Assert.Equal(flat.SizeBytes, nested.SizeBytes);
        Assert.Equal((nested.Sha256, nested.SizeBytes), VersionHash.ComputeDirectory(dir));
    }

    [Fact]
    public async Task Versions_AreNumberedFromOneAndNeverReused()
    {
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(i, (await _registry.RegisterAsync(Model, TestArchives.FakeOnnx, "m.onnx")).Version);
        }

        await _registry.Versions.DeleteAsync(Model, 3, CancellationToken.None);
        var next = await _registry.RegisterAsync(Model, TestArchives.FakeOnnx, "m.onnx");

        Assert.Equal(4, next.Version);
        Assert.Equal([1, 2, 4], (await _registry.Versions.ListAsync(Model, CancellationToken.None)).Select(v => v.Version));
        Assert.False(Directory.Exists(Path.Combine(_registry.DataDir, "models/main/default/iris/3")));
    }

    [Fact]
    public async Task Versions_AreImmutable_ANewUploadNeverTouchesAnOldOne()
    {
        var first = await _registry.RegisterAsync(Model, TestArchives.FakeOnnx, "m.onnx");
        var other = (byte[])TestArchives.FakeOnnx.Clone();
        other[^1] = (byte)'X';

        var second = await _registry.RegisterAsync(Model, other, "m.onnx");

        var again = await _registry.Versions.GetAsync(Model, 1, CancellationToken.None);
        Assert.Equal(first.Sha256, again.Sha256);
        Assert.NotEqual(first.Sha256, second.Sha256);
        Assert.Equal(TestArchives.FakeOnnx, File.ReadAllBytes(Path.Combine(_registry.DataDir, again.StoragePath, again.ModelFile)));
    }

    [Fact]
    public async Task MissingModel_IsCreatedInAnExistingSchema()
    {
        await _registry.RegisterAsync("Main.Default.New-Model", TestArchives.FakeOnnx, "m.onnx");

        var model = await _registry.Models.GetAsync("main.default.new-model", CancellationToken.None);
        Assert.Equal(("main", "default", "new-model", "alice@example.com", 1), (model.CatalogName, model.SchemaName, model.Name, model.Owner, model.LastVersion));
    }

    [Fact]
    public async Task MissingSchema_Is404AndNothingIsRead()
    {
        var body = new MemoryStream(TestArchives.FakeOnnx);

        var error = await Assert.ThrowsAsync<ModelplaneException>(
            () => _registry.Registrar.RegisterAsync("main.nope.iris", body, "m.onnx", null, null, CancellationToken.None));

        Assert.Equal(404, error.StatusCode);
        Assert.Contains("Schema 'main.nope'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, body.Position);
    }

    [Fact]
    public async Task SklearnModelDirectory_IsRefusedNamingTheFlavorAndLeavesNothing()
    {
        var dir = TestData.PathOf("mlflow", "telco-sklearn-mlflow3");
        var archive = TestArchives.Zip([.. Directory.GetFiles(dir).Select(f => (Path.GetFileName(f), File.ReadAllBytes(f)))]);

        var error = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.RegisterAsync(Model, archive, "telco.zip"));

        Assert.Equal(400, error.StatusCode);
        Assert.Contains("'sklearn'", error.Message, StringComparison.Ordinal);
        Assert.Empty(_registry.TempEntries());
        await Assert.ThrowsAsync<ModelplaneException>(() => _registry.Models.GetAsync(Model, CancellationToken.None));
    }

    [Fact]
    public async Task InspectorRefusal_LeavesNothing()
    {
        ((FakeModelInspector)_registry.Inspector).Throw = ModelplaneException.InvalidParameter("Model 'model.onnx' uses custom op domain 'ai.onnx.contrib'.");

        var error = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.RegisterAsync(Model, TestArchives.FakeOnnx, "m.onnx"));

        Assert.Contains("custom op domain", error.Message, StringComparison.Ordinal);
        Assert.Empty(_registry.TempEntries());
        Assert.False(Directory.Exists(Path.Combine(_registry.DataDir, "models")));
    }

    [Fact]
    public async Task OnnxDataMissingFromTheArchive_IsRefused()
    {
        var archive = TestArchives.Zip(TestArchives.Entry("MLmodel", TestArchives.OnnxMlmodel));

        var error = await Assert.ThrowsAsync<ModelplaneException>(() => _registry.RegisterAsync(Model, archive, "m.zip"));

        Assert.Contains("names data 'model.onnx', which is not a file in the archive", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ArchiveWithOnlyAnOnnxFile_IsServedWithoutMlmodel()
    {
        var version = await _registry.RegisterAsync(Model, TestArchives.Zip(("graph.onnx", TestArchives.FakeOnnx), TestArchives.Entry("graph.onnx.data", "weights")), "m.zip");

        Assert.Equal("graph.onnx", version.ModelFile);
        Assert.Equal(2, Directory.GetFiles(Path.Combine(_registry.DataDir, version.StoragePath)).Length);
    }

    [Fact]
    public async Task RealOnnxMlflowDirectory_RegistersWithTheRealInspector()
    {
        using var registry = new RegistryFixture(inspector: new OnnxModelInspector());
        var dir = TestData.PathOf("mlflow", "onnx-dynamic-axes");
        var archive = TestArchives.TarGz([.. Directory.GetFiles(dir).Select(f => TestArchives.File("onnx-dynamic-axes/" + Path.GetFileName(f), File.ReadAllBytes(f)))]);

        var version = await registry.RegisterAsync(Model, archive, "onnx-dynamic-axes.tar.gz");

        var signature = SignatureJson.Deserialize(version.SignatureJson!);
        Assert.Equal("input_vectors", Assert.Single(signature.Inputs).Name);
        Assert.Equal([-1L, 10], signature.Inputs[0].Shape!);
        Assert.Equal(2, JsonNode.Parse(version.InputExampleJson!)!["inputs"]!["input_vectors"]!.AsArray().Count);
        Assert.Equal(VersionHash.ComputeDirectory(dir), (version.Sha256, version.SizeBytes));
    }

    [Fact]
    public async Task RealInspector_RefusesAFileThatIsNotOnnx()
    {
        using var registry = new RegistryFixture(inspector: new OnnxModelInspector());

        var error = await Assert.ThrowsAsync<ModelplaneException>(() => registry.RegisterAsync(Model, [0x08, 0xFF, 0xFF, 0xFF], "broken.onnx"));

        Assert.Equal(400, error.StatusCode);
        Assert.Empty(registry.TempEntries());
    }
}
