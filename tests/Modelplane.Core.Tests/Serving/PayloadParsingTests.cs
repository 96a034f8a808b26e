using System.Text.Json;
using Modelplane.Abstractions;
using Modelplane.Core.Serving.Payloads;

namespace Modelplane.Core.Tests.Serving;

public sealed class PayloadParsingTests
{
    [Fact]
    public void Csv_HashLinesAreData_AndOnlyCommasSeparate()
    {
        var table = ScoringPayloadParser.ParseCsv(new StringReader("a,b\n#1,2\n3;4,5\n"));
        Assert.Equal(["a", "b"], table.Columns);
        Assert.Equal(2, table.Rows.Count);
        Assert.Equal("#1", table.Rows[0][0]!.Value.GetString());
        Assert.Equal("3;4", table.Rows[1][0]!.Value.GetString());
    }

    [Theory]
    [InlineData("1e400", TensorDataType.Float64)]
    [InlineData("-1e400", TensorDataType.Float32)]
    [InlineData("1e39", TensorDataType.Float32)]
    [InlineData("70000", TensorDataType.Float16)]
    [InlineData("3.4e38", TensorDataType.BFloat16)]
    [InlineData("2.5", TensorDataType.Int64)]
    [InlineData("256", TensorDataType.UInt8)]
    [InlineData("-1", TensorDataType.UInt32)]
    [InlineData("\"nan\"", TensorDataType.Float32)]
    [InlineData("\"NaN\"", TensorDataType.Int32)]
    [InlineData("1", TensorDataType.Bool)]
    [InlineData("1", TensorDataType.String)]
    public void OutOfRangeOrWrongKind_IsRefused_NamingTheField(string json, TensorDataType type)
    {
        using var doc = JsonDocument.Parse(json);
        var error = Assert.Throws<ModelplaneException>(() => JsonScalars.Convert(doc.RootElement, type, "Column 'x'"));
        Assert.Equal(ErrorCode.InvalidParameterValue, error.ErrorCode);
        Assert.StartsWith("Column 'x'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2", TensorDataType.Float32, 2f)]
    [InlineData("2.5", TensorDataType.Float32, 2.5f)]
    [InlineData("2.0", TensorDataType.Int64, 2L)]
    [InlineData("18446744073709551615", TensorDataType.UInt64, ulong.MaxValue)]
    [InlineData("\"Infinity\"", TensorDataType.Float64, double.PositiveInfinity)]
    [InlineData("true", TensorDataType.Bool, true)]
    public void RepresentableValues_AreConverted(string json, TensorDataType type, object expected)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(expected, JsonScalars.Convert(doc.RootElement, type, "x"));
    }

    [Fact]
    public void NestedArrays_InferShape_AndRefuseRagged()
    {
        using var ok = JsonDocument.Parse("[[1,2,3],[4,5,6]]");
        var tensor = TensorBuilder.FromNested("t", ok.RootElement, TensorDataType.Int32, "t");
        Assert.Equal([2L, 3L], tensor.Shape);
        Assert.Equal([1, 2, 3, 4, 5, 6], (int[])tensor.Data);
        using var ragged = JsonDocument.Parse("[[1,2,3],[4,5]]");
        var error = Assert.Throws<ModelplaneException>(() => TensorBuilder.FromNested("t", ragged.RootElement, TensorDataType.Int32, "t"));
        Assert.Contains("ragged", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"dataframe_split":{"columns":["a"],"data":[[1]]}}""", PayloadFormat.DataframeSplit)]
    [InlineData("""{"dataframe_records":[{"a":1}]}""", PayloadFormat.DataframeRecords)]
    [InlineData("""{"instances":[{"a":1}]}""", PayloadFormat.Instances)]
    [InlineData("""{"instances":[[1,2]]}""", PayloadFormat.Instances)]
    [InlineData("""{"inputs":{"a":[1]}}""", PayloadFormat.Inputs)]
    [InlineData("""{"inputs":[1,2],"params":{"k":1}}""", PayloadFormat.Inputs)]
    public void EachScoringFormat_IsRecognised(string json, PayloadFormat format)
    {
        using var doc = JsonDocument.Parse(json);
        Assert.Equal(format, ScoringPayloadParser.ParseJson(doc.RootElement).Format);
    }
}
