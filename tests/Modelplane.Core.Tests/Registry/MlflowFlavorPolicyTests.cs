using Modelplane.Abstractions;
using Modelplane.Core.Registry;
using Modelplane.Testing;

namespace Modelplane.Core.Tests.Registry;

public sealed class MlflowFlavorPolicyTests
{
    [Theory]
    [InlineData("mlflow-tests-1x-sklearn", "'sklearn'", "mlflow.sklearn")]
    [InlineData("mslearn-mlops-sklearn", "'sklearn'", "mlflow.sklearn")]
    [InlineData("telco-sklearn-mlflow3", "'sklearn'", "mlflow.sklearn")]
    [InlineData("pima-xgboost-mlflow3", "'xgboost'", "mlflow.xgboost")]
    [InlineData("rottenbot-keras-tensor", "'tensorflow'", "mlflow.tensorflow")]
    [InlineData("mlflow-tests-2.12-langchain", "'langchain'", "mlflow.langchain")]
    public void NonOnnxModel_IsRefusedNamingTheFlavor(string folder, string flavor, string loader)
    {
        var model = MlmodelParser.ParseFile(TestData.PathOf("mlflow", folder, "MLmodel"));

        var error = Assert.Throws<ModelplaneException>(() => MlflowFlavorPolicy.RequireOnnx(model));

        Assert.Equal(400, error.StatusCode);
        Assert.Equal(ErrorCode.InvalidParameterValue, error.ErrorCode);
        Assert.Contains(flavor, error.Message, StringComparison.Ordinal);
        Assert.Contains($"loader_module '{loader}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("'onnx' flavor only", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnnxWithOnnxLoader_ReturnsTheDataPath()
    {
        var model = MlmodelParser.Parse(TestArchives.OnnxMlmodel);

        Assert.Equal("model.onnx", MlflowFlavorPolicy.RequireOnnx(model));
    }

    [Fact]
    public void OnnxAlone_IsAccepted()
    {
        var model = MlmodelParser.Parse("flavors:\n  onnx:\n    data: sub/graph.onnx\n");

        Assert.Equal("sub/graph.onnx", MlflowFlavorPolicy.RequireOnnx(model));
    }

    [Fact]
    public void OnnxBesideCustomPyfunc_IsRefusedNamingTheLoader()
    {
        var model = MlmodelParser.Parse("flavors:\n  onnx: {data: model.onnx}\n  python_function: {loader_module: mlflow.pyfunc.model, python_model: python_model.pkl}\n");

        var error = Assert.Throws<ModelplaneException>(() => MlflowFlavorPolicy.RequireOnnx(model));

        Assert.Contains("'python_function' (loader_module 'mlflow.pyfunc.model')", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnnxBesideAnotherFlavor_IsRefusedNamingIt()
    {
        var model = MlmodelParser.Parse("flavors:\n  onnx: {data: model.onnx}\n  pytorch: {model_data: data}\n");

        var error = Assert.Throws<ModelplaneException>(() => MlflowFlavorPolicy.RequireOnnx(model));

        Assert.Contains("flavor 'pytorch' cannot be served", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnnxWithoutData_IsRefused()
    {
        var model = MlmodelParser.Parse("flavors:\n  onnx: {onnx_version: 1.16.0}\n");

        var error = Assert.Throws<ModelplaneException>(() => MlflowFlavorPolicy.RequireOnnx(model));

        Assert.Contains("no 'data' key", error.Message, StringComparison.Ordinal);
    }
}
