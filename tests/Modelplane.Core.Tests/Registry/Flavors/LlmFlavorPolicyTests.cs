using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;
using Modelplane.Core.Registry;

namespace Modelplane.Core.Tests.Registry.Flavors;

public sealed class LlmFlavorPolicyTests
{
    [Theory]
    [InlineData("flavors:\n  gguf: {model: m.gguf}\n", ModelFlavor.Gguf)]
    [InlineData("flavors:\n  modelplane_embedding: {pooling: cls}\n", ModelFlavor.Embedding)]
    [InlineData("flavors:\n  gguf: {}\n  python_function: {loader_module: my_pkg.llama_loader}\n", ModelFlavor.Gguf)]
    [InlineData("flavors:\n  python_function: {loader_module: mlflow.onnx}\n  onnx: {data: m.onnx}\n", ModelFlavor.Onnx)]
    public void OneServingFlavor_IsSelected(string yaml, string flavor)
    {
        Assert.Equal(flavor, MlflowFlavorPolicy.SelectFlavor(MlmodelParser.Parse(yaml)));
    }

    [Fact]
    public void TwoServingFlavors_AreRefusedNamingThem()
    {
        var model = MlmodelParser.Parse("flavors:\n  onnx: {data: m.onnx}\n  modelplane_embedding: {}\n");

        var error = Assert.Throws<ModelplaneException>(() => MlflowFlavorPolicy.SelectFlavor(model));

        Assert.Equal(
            "MLmodel has the flavors 'onnx', 'modelplane_embedding'; keep exactly one of 'onnx', 'gguf', 'modelplane_embedding'.",
            error.Message);
    }

    [Fact]
    public void LlmFlavorBesideAnUnservableFlavor_IsRefusedNamingIt()
    {
        var model = MlmodelParser.Parse("flavors:\n  gguf: {}\n  transformers: {task: text-generation}\n");

        var error = Assert.Throws<ModelplaneException>(() => MlflowFlavorPolicy.SelectFlavor(model));

        Assert.StartsWith("MLmodel flavor 'transformers' cannot be served", error.Message, StringComparison.Ordinal);
        Assert.Contains("'gguf' and 'modelplane_embedding'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RequireOnnx_OnAnLlmFlavor_IsRefused()
    {
        var model = MlmodelParser.Parse("flavors:\n  gguf: {}\n");

        var error = Assert.Throws<ModelplaneException>(() => MlflowFlavorPolicy.RequireOnnx(model));

        Assert.Equal("MLmodel has the 'gguf' flavor, not 'onnx'.", error.Message);
    }
}
