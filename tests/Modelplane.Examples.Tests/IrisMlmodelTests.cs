using System.Text.Json;
using Modelplane.Examples.Iris;
using YamlDotNet.RepresentationModel;

namespace Modelplane.Examples.Tests;

[Collection(IrisCollection.Name)]
public sealed class IrisMlmodelTests(IrisFixture iris)
{
    private static readonly string[] Measurements = ["sepal_length", "sepal_width", "petal_length", "petal_width"];

    [Fact]
    public void MlmodelSignature_Inputs_AreTheGraphInputColumns()
    {
        var inputs = SignaturePart("inputs");

        Assert.Equal(Measurements, inputs.Select(c => c.GetProperty("name").GetString()));
        Assert.All(inputs, c =>
        {
            Assert.Equal("float", c.GetProperty("type").GetString());
            Assert.True(c.GetProperty("required").GetBoolean());
        });
    }

    [Fact]
    public void MlmodelSignature_Outputs_AreTheGraphOutputs()
    {
        var outputs = SignaturePart("outputs");

        Assert.Equal(["species", "probabilities"], outputs.Select(c => c.GetProperty("name").GetString()));
        Assert.Equal([-1, 3], outputs[1].GetProperty("tensor-spec").GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
    }

    [Fact]
    public void Mlmodel_Flavors_PointAtModelOnnx()
    {
        var root = MlmodelRoot();
        var onnx = (YamlMappingNode)((YamlMappingNode)root["flavors"])["onnx"];
        var pyfunc = (YamlMappingNode)((YamlMappingNode)root["flavors"])["python_function"];

        Assert.Equal("model.onnx", onnx["data"].ToString());
        Assert.Equal(["CPUExecutionProvider"], ((YamlSequenceNode)onnx["providers"]).Select(p => p.ToString()));
        Assert.Equal("mlflow.onnx", pyfunc["loader_module"].ToString());
        Assert.Equal("model.onnx", pyfunc["data"].ToString());
    }

    [Fact]
    public void Mlmodel_Committed_MatchesTheCommittedOnnx()
    {
        Assert.Equal(MlmodelFile.Render(iris.CommittedOnnx), iris.ReadText("MLmodel"));
    }

    [Fact]
    public void ServingInputExample_DataframeSplit_UsesTheSignatureColumns()
    {
        using var json = JsonDocument.Parse(iris.ReadText("serving_input_example.json"));
        var split = json.RootElement.GetProperty("dataframe_split");

        Assert.Equal(Measurements, split.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.All(split.GetProperty("data").EnumerateArray(), row => Assert.Equal(4, row.GetArrayLength()));
    }

    [Fact]
    public void InputExamples_Committed_RegenerateFromTheCsv()
    {
        var rows = MlflowInputExample.PickRows(iris.Rows);

        Assert.Equal(MlflowInputExample.InputExampleJson(rows) + "\n", iris.ReadText("input_example.json"));
        Assert.Equal(MlflowInputExample.ServingInputExampleJson(rows) + "\n", iris.ReadText("serving_input_example.json"));
    }

    private List<JsonElement> SignaturePart(string part)
    {
        var signature = (YamlMappingNode)MlmodelRoot()["signature"];
        using var json = JsonDocument.Parse(signature[part].ToString());
        return json.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private YamlMappingNode MlmodelRoot()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(iris.ReadText("MLmodel")));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }
}
