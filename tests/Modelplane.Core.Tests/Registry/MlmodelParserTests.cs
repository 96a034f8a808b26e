using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Core.Registry;
using Modelplane.Testing;

namespace Modelplane.Core.Tests.Registry;

public sealed class MlmodelParserTests
{
    private static MlflowModelFile ParseTestFile(string folder) =>
        MlmodelParser.ParseFile(TestData.PathOf("mlflow", folder, "MLmodel"));

    [Fact]
    public void Mlflow1xSklearn_HasTwoFlavorsAndNoSignature()
    {
        var model = ParseTestFile("mlflow-tests-1x-sklearn");

        Assert.Equal(["python_function", "sklearn"], model.Flavors.Keys.Order());
        Assert.Equal("mlflow.sklearn", model.LoaderModule);
        Assert.Equal("model.pkl", model.Attribute("sklearn", "pickled_model"));
        Assert.Null(model.Attribute("sklearn", "code"));
        Assert.Null(model.Signature);
        Assert.Null(model.InputExample);
        Assert.Equal("1.30.1", model.MlflowVersion);
    }

    [Fact]
    public void MslearnSklearn_ColumnsWithoutRequiredDefaultToRequired()
    {
        var signature = ParseTestFile("mslearn-mlops-sklearn").Signature!;

        Assert.Equal(SignatureKind.Columns, signature.Kind);
        Assert.Equal(8, signature.Inputs.Count);
        Assert.Equal(new TensorSpec("Pregnancies", TensorDataType.Int32, null, true, "integer"), signature.Inputs[0]);
        Assert.Equal(new TensorSpec("BMI", TensorDataType.Float64, null, true, "double"), signature.Inputs[5]);
        Assert.All(signature.Inputs, i => Assert.True(i.Required));
        Assert.Equal(new TensorSpec(null, TensorDataType.Bool, null, true, "boolean"), Assert.Single(signature.Outputs));
        Assert.Empty(signature.Params);
    }

    [Fact]
    public void PimaXgboost_LongColumnsAndSplitExampleInfo()
    {
        var model = ParseTestFile("pima-xgboost-mlflow3");

        Assert.Contains("xgboost", model.Flavors.Keys);
        Assert.Equal("mlflow.xgboost", model.LoaderModule);
        var signature = model.Signature!;
        Assert.Equal(["pregnancies", "glucose", "diastolic", "triceps", "insulin", "bmi", "dpf", "age"], signature.Inputs.Select(i => i.Name));
        Assert.Equal(TensorDataType.Int64, signature.Inputs[0].DataType);
        Assert.Equal("long", signature.Inputs[0].SourceType);
        Assert.Equal(TensorDataType.Float64, signature.Inputs[6].DataType);
        Assert.Equal(new InputExampleInfo("input_example.json", "dataframe", "split", "serving_input_example.json", false), model.InputExample);
    }

    [Fact]
    public void TelcoSklearn_ColumnInputsAndTensorOutputs()
    {
        var signature = ParseTestFile("telco-sklearn-mlflow3").Signature!;

        Assert.Equal(SignatureKind.Columns, signature.Kind);
        Assert.Equal(19, signature.Inputs.Count);
        Assert.Equal(TensorDataType.String, signature.Inputs.Single(i => i.Name == "gender").DataType);
        Assert.Equal(TensorDataType.Float64, signature.Inputs.Single(i => i.Name == "TotalCharges").DataType);
        var output = Assert.Single(signature.Outputs);
        Assert.Equal(TensorDataType.Int64, output.DataType);
        Assert.Equal([-1L], output.Shape!);
    }

    [Fact]
    public void RottenbotKeras_TensorSignatureWithShapes()
    {
        var model = ParseTestFile("rottenbot-keras-tensor");

        Assert.Contains("tensorflow", model.Flavors.Keys);
        var signature = model.Signature!;
        Assert.Equal(SignatureKind.Tensors, signature.Kind);
        var input = Assert.Single(signature.Inputs);
        Assert.Null(input.Name);
        Assert.Equal(TensorDataType.Float32, input.DataType);
        Assert.Equal([-1L, 224, 224, 3], input.Shape!);
        Assert.Equal([-1L, 28], Assert.Single(signature.Outputs).Shape!);
        Assert.Equal("ndarray", model.InputExample!.Type);
    }

    [Fact]
    public void Langchain_CompositeColumnIsKeptAsStringWithItsMlflowType()
    {
        var model = ParseTestFile("mlflow-tests-2.12-langchain");

        Assert.Equal("mlflow.langchain", model.LoaderModule);
        var messages = Assert.Single(model.Signature!.Inputs);
        Assert.Equal("messages", messages.Name);
        Assert.Equal(TensorDataType.String, messages.DataType);
        Assert.Equal("array", messages.SourceType);
        Assert.Empty(model.Signature.Params);
        Assert.Equal("json_object", model.InputExample!.Type);
    }

    [Fact]
    public void OnnxDynamicAxes_NamedTensorsAndOnnxData()
    {
        var model = ParseTestFile("onnx-dynamic-axes");

        Assert.Equal("model.onnx", MlflowFlavorPolicy.RequireOnnx(model));
        var input = Assert.Single(model.Signature!.Inputs);
        Assert.Equal(("input_vectors", TensorDataType.Float32, "float32"), (input.Name, input.DataType, input.SourceType));
        Assert.Equal([-1L, 10], input.Shape!);
        Assert.Equal("output_scalars", Assert.Single(model.Signature.Outputs).Name);
    }

    [Fact]
    public void Params_NameTypeDefaultAndShape()
    {
        var model = MlmodelParser.Parse("""
            flavors:
              onnx: {data: m.onnx}
            signature:
              inputs: '[{"type": "string", "name": "prompt", "required": false}]'
              outputs: null
              params: '[{"name": "temperature", "type": "double", "default": 0.7, "shape": null}, {"name": "stop", "type": "string", "default": ["a", "b"], "shape": [-1]}, {"name": "seed", "type": "long"}]'
            """);

        var signature = model.Signature!;
        Assert.False(Assert.Single(signature.Inputs).Required);
        Assert.Empty(signature.Outputs);
        Assert.Equal(3, signature.Params.Count);
        Assert.Equal(("temperature", "double", 0.7), (signature.Params[0].Name, signature.Params[0].Type, signature.Params[0].Default!.Value.GetDouble()));
        Assert.Null(signature.Params[0].Shape);
        Assert.Equal([-1L], signature.Params[1].Shape!);
        Assert.Equal(2, signature.Params[1].Default!.Value.GetArrayLength());
        Assert.Null(signature.Params[2].Default);
    }

    [Theory]
    [InlineData("flavors: [", "not valid YAML")]
    [InlineData("- a\n- b", "not a YAML mapping")]
    [InlineData("mlflow_version: 2.0.0", "no 'flavors'")]
    [InlineData("flavors: {onnx: {data: m.onnx}}\nsignature:\n  inputs: '[{\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"complex64\", \"shape\": [1]}}]'", "inputs[0] has the unknown tensor dtype 'complex64'")]
    [InlineData("flavors: {onnx: {data: m.onnx}}\nsignature:\n  inputs: '[{\"name\": \"x\"}]'", "inputs[0] has no 'type'")]
    [InlineData("flavors: {onnx: {data: m.onnx}}\nsignature:\n  outputs: '{not json'", "outputs is not valid JSON")]
    [InlineData("flavors: {onnx: {data: m.onnx}}\nsignature:\n  inputs: '[{\"type\": \"double\", \"name\": \"a\"}, {\"type\": \"tensor\", \"tensor-spec\": {\"dtype\": \"float32\", \"shape\": [1]}}]'", "mixes tensor and column specs")]
    public void Malformed_IsRefusedNamingTheProblem(string yaml, string expected)
    {
        var error = Assert.Throws<ModelplaneException>(() => MlmodelParser.Parse(yaml));

        Assert.Equal(ErrorCode.InvalidParameterValue, error.ErrorCode);
        Assert.Equal(400, error.StatusCode);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryCopiedMlmodel_Parses()
    {
        var folders = Directory.GetDirectories(TestData.PathOf("mlflow")).Where(d => File.Exists(Path.Combine(d, "MLmodel"))).ToList();

        Assert.Equal(7, folders.Count);
        Assert.All(folders, folder => Assert.NotEmpty(MlmodelParser.ParseFile(Path.Combine(folder, "MLmodel")).Flavors));
    }

    [Fact]
    public void SignatureFromFile_RoundTripsThroughMlflowJson()
    {
        var signature = ParseTestFile("telco-sklearn-mlflow3").Signature!;
        var mlflow = SignatureJson.ToMlflow(signature);

        var reparsed = MlflowSignatureParser.Parse(mlflow["inputs"]!.ToJsonString(), mlflow["outputs"]!.ToJsonString(), null)!;
        Assert.Equal(signature.Inputs, reparsed.Inputs);
        Assert.Equal(signature.Outputs.Select(o => (o.DataType, o.Shape![0])), reparsed.Outputs.Select(o => (o.DataType, o.Shape![0])));
        Assert.Equal("tensor", mlflow["outputs"]![0]!["type"]!.GetValue<string>());
        Assert.IsType<JsonObject>(mlflow["outputs"]![0]!["tensor-spec"]);
    }
}
