using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Core.Registry;
using Modelplane.Testing;

namespace Modelplane.Core.Tests.Registry;

public sealed class InputExampleLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("modelplane-example-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static JsonNode Convert(string example, InputExampleInfo? info) =>
        InputExampleLoader.ToServingInput(JsonNode.Parse(example)!, info)!;

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}, got {actual?.ToJsonString()}");

    [Theory]
    [InlineData("pima-xgboost-mlflow3", "pregnancies")]
    [InlineData("telco-sklearn-mlflow3", "gender")]
    public void ServingInputFile_IsUsedAsItIs(string folder, string firstColumn)
    {
        var dir = TestData.PathOf("mlflow", folder);
        var model = MlmodelParser.ParseFile(Path.Combine(dir, "MLmodel"));

        var payload = JsonNode.Parse(InputExampleLoader.Load(dir, model.InputExample)!)!;

        Assert.Equal(firstColumn, payload["dataframe_split"]!["columns"]![0]!.GetValue<string>());
        Assert.Equal(5, payload["dataframe_split"]!["data"]!.AsArray().Count);
        AssertJson(File.ReadAllText(Path.Combine(dir, "serving_input_example.json")), payload);
    }

    [Fact]
    public void LangchainJsonObject_WithMessages_IsTheRequestItself()
    {
        var dir = TestData.PathOf("mlflow", "mlflow-tests-2.12-langchain");
        var model = MlmodelParser.ParseFile(Path.Combine(dir, "MLmodel"));

        var payload = JsonNode.Parse(InputExampleLoader.Load(dir, model.InputExample)!)!;

        Assert.Equal("user", payload["messages"]![0]!["role"]!.GetValue<string>());
        Assert.Null(payload["inputs"]);
    }

    [Fact]
    public void OnnxTfServingExample_IsKeptAsInputs()
    {
        var dir = TestData.PathOf("mlflow", "onnx-dynamic-axes");
        var model = MlmodelParser.ParseFile(Path.Combine(dir, "MLmodel"));

        var payload = JsonNode.Parse(InputExampleLoader.Load(dir, model.InputExample)!)!;

        Assert.Equal(10, payload["inputs"]!["input_vectors"]![0]!.AsArray().Count);
    }

    [Fact]
    public void ModelWithoutExample_HasNone() =>
        Assert.Null(InputExampleLoader.Load(TestData.PathOf("mlflow", "rottenbot-keras-tensor"), new InputExampleInfo("input_example.json", "ndarray", null, "serving_input_example.json", false)));

    [Fact]
    public void DataframeSplit_BecomesDataframeSplit() =>
        AssertJson("""{"dataframe_split": {"columns": ["a"], "data": [[1]]}}""", Convert("""{"columns": ["a"], "data": [[1]]}""", new(null, "dataframe", "split", null, false)));

    [Fact]
    public void DataframeRecords_BecomesDataframeRecords() =>
        AssertJson("""{"dataframe_records": [{"a": 1}]}""", Convert("""[{"a": 1}]""", new(null, "dataframe", "records", null, false)));

    [Fact]
    public void NdarrayList_IsWrappedInInputs() =>
        AssertJson("""{"inputs": [[1, 2]]}""", Convert("""[[1, 2]]""", new(null, "ndarray", null, null, false)));

    [Fact]
    public void JsonObjectWithoutLlmKeys_IsWrappedInInputs() =>
        AssertJson("""{"inputs": {"question": "hi"}}""", Convert("""{"question": "hi"}""", new(null, "json_object", null, null, false)));

    [Fact]
    public void ExampleWithParams_AddsParams() =>
        AssertJson(
            """{"dataframe_split": {"columns": ["a"], "data": [[1]]}, "params": {"top_k": 3}}""",
            Convert("""{"inputs": {"columns": ["a"], "data": [[1]]}, "params": {"top_k": 3}}""", new(null, "dataframe", "split", null, true)));

    [Fact]
    public void SparseMatrix_HasNoServingForm() =>
        Assert.Null(InputExampleLoader.ToServingInput(JsonNode.Parse("""{"data": [1], "indices": [0], "indptr": [0, 1], "shape": [1, 1]}""")!, new(null, "sparse_matrix_csr", null, null, false)));

    [Theory]
    [InlineData("""{"columns": ["a", "b"], "data": [[1, 2]], "index": [0]}""", """{"dataframe_split": {"columns": ["a", "b"], "data": [[1, 2]], "index": [0]}}""")]
    [InlineData("""[{"a": 1}, {"a": 2}]""", """{"dataframe_records": [{"a": 1}, {"a": 2}]}""")]
    [InlineData("""{"inputs": [[1.0, 2.0]]}""", """{"inputs": [[1.0, 2.0]]}""")]
    [InlineData("""{"dataframe_split": {"columns": ["a"], "data": [[1]]}}""", """{"dataframe_split": {"columns": ["a"], "data": [[1]]}}""")]
    [InlineData("""[1, 2, 3]""", """{"inputs": [1, 2, 3]}""")]
    public void OldFileWithoutType_IsRecognisedByShape(string example, string expected) =>
        AssertJson(expected, Convert(example, null));

    [Fact]
    public void ServingInputFile_WinsOverInputExample()
    {
        File.WriteAllText(Path.Combine(_dir, "input_example.json"), """{"columns": ["a"], "data": [[1]]}""");
        File.WriteAllText(Path.Combine(_dir, "serving_input_example.json"), """{"dataframe_records": [{"a": 2}]}""");

        AssertJson("""{"dataframe_records": [{"a": 2}]}""", JsonNode.Parse(InputExampleLoader.Load(_dir, null)!));
    }

    [Fact]
    public void ExampleOnlyByDefaultName_IsConverted()
    {
        File.WriteAllText(Path.Combine(_dir, "input_example.json"), """{"columns": ["a"], "data": [[1]]}""");

        AssertJson("""{"dataframe_split": {"columns": ["a"], "data": [[1]]}}""", JsonNode.Parse(InputExampleLoader.Load(_dir, null)!));
    }

    [Fact]
    public void InvalidJsonExample_IsRefusedNamingTheFile()
    {
        File.WriteAllText(Path.Combine(_dir, "input_example.json"), "{nope");

        var error = Assert.Throws<ModelplaneException>(() => InputExampleLoader.Load(_dir, null));

        Assert.Contains("input_example.json is not valid JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExamplePathLeavingTheModel_IsRefused()
    {
        var error = Assert.Throws<ModelplaneException>(() => InputExampleLoader.Load(_dir, new("../secret.json", "dataframe", "split", null, false)));

        Assert.Contains("'..'", error.Message, StringComparison.Ordinal);
    }
}
