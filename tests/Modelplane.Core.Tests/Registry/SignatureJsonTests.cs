using System.Text.Json;
using System.Text.Json.Nodes;
using Modelplane.Abstractions;
using Modelplane.Core.Registry;

namespace Modelplane.Core.Tests.Registry;

public sealed class SignatureJsonTests
{
    private static readonly ModelSignature Sample = new(
        SignatureKind.Tensors,
        [new TensorSpec("x", TensorDataType.Float32, [-1, 4], true, "tensor(float)"), new TensorSpec(null, TensorDataType.String, [-1], false, "object")],
        [new TensorSpec("label", TensorDataType.Int64, [-1], SourceType: "tensor(int64)")],
        [new ParamSpec("temperature", "double", JsonDocument.Parse("0.5").RootElement.Clone(), null), new ParamSpec("stop", "string", null, [-1])]);

    [Fact]
    public void SerializeThenDeserialize_GivesTheSameSignature()
    {
        var json = SignatureJson.Serialize(Sample);
        var back = SignatureJson.Deserialize(json);

        Assert.Equal(Sample.Kind, back.Kind);
        Assert.Equal(Sample.Inputs.Select(i => (i.Name, i.DataType, string.Join(",", i.Shape!), i.Required, i.SourceType)),
            back.Inputs.Select(i => (i.Name, i.DataType, string.Join(",", i.Shape!), i.Required, i.SourceType)));
        Assert.Equal("label", Assert.Single(back.Outputs).Name);
        Assert.Equal(0.5, back.Params[0].Default!.Value.GetDouble());
        Assert.Null(back.Params[1].Default);
        Assert.Equal([-1L], back.Params[1].Shape!);
        Assert.Contains("\"dataType\":\"Float32\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ToMlflow_TensorsUseNumpyDtypesAndKeepMlflowNames()
    {
        var mlflow = SignatureJson.ToMlflow(Sample);

        var expected = JsonNode.Parse("""
            {
              "inputs": [
                {"type": "tensor", "name": "x", "tensor-spec": {"dtype": "float32", "shape": [-1, 4]}},
                {"type": "tensor", "tensor-spec": {"dtype": "object", "shape": [-1]}}
              ],
              "outputs": [{"type": "tensor", "name": "label", "tensor-spec": {"dtype": "int64", "shape": [-1]}}],
              "params": [
                {"name": "temperature", "type": "double", "default": 0.5, "shape": null},
                {"name": "stop", "type": "string", "default": null, "shape": [-1]}
              ]
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, mlflow), mlflow.ToJsonString());
    }

    [Fact]
    public void ToMlflow_ColumnsUseMlflowColumnTypesAndRequired()
    {
        var signature = new ModelSignature(
            SignatureKind.Columns,
            [new TensorSpec("a", TensorDataType.Float64, null, true, "double"), new TensorSpec("b", TensorDataType.Int64, null, false), new TensorSpec("c", TensorDataType.String, null, true, "binary")],
            [new TensorSpec(null, TensorDataType.Bool, null)],
            []);

        var mlflow = SignatureJson.ToMlflow(signature);

        var expected = JsonNode.Parse("""
            {
              "inputs": [
                {"type": "double", "name": "a", "required": true},
                {"type": "long", "name": "b", "required": false},
                {"type": "binary", "name": "c", "required": true}
              ],
              "outputs": [{"type": "boolean", "required": true}],
              "params": null
            }
            """);
        Assert.True(JsonNode.DeepEquals(expected, mlflow), mlflow.ToJsonString());
    }
}
