using Google.Protobuf;
using Modelplane.Abstractions;
using Modelplane.Runtimes.Onnx.Proto;
using Modelplane.Testing.Onnx;
using DataType = Modelplane.Runtimes.Onnx.Proto.TensorProto.Types.DataType;

namespace Modelplane.Runtimes.Onnx.Tests;

/// <summary>The shared ONNX test helpers (TensorProto reader, tolerances) do what others rely on.</summary>
public sealed class TestingLibraryTests
{
    [Theory]
    [MemberData(nameof(DataTypeSamples.DataTypes), MemberType = typeof(DataTypeSamples))]
    public void TensorProto_RawDataRoundTrip_IsExact(TensorDataType dataType)
    {
        var tensor = DataTypeSamples.Tensor(dataType, "t");
        var bytes = TensorProtoConverter.FromTensor(tensor).ToByteArray();

        var back = TensorProtoConverter.ToTensor(TensorProto.Parser.ParseFrom(bytes), "t");

        Assert.Null(TensorAssert.Difference(tensor, back, rtol: 0, atol: 0));
        Assert.Equal(tensor.Shape, back.Shape);
    }

    [Fact]
    public void TensorProto_TypedFields_AreRead()
    {
        var halves = new TensorProto { DataType = (int)DataType.Float16, Dims = { 2 }, Int32Data = { 0x3C00, 0xC000 } };
        var bfloats = new TensorProto { DataType = (int)DataType.Bfloat16, Dims = { 1 }, Int32Data = { 0x4049 } };
        var bools = new TensorProto { DataType = (int)DataType.Bool, Dims = { 3 }, Int32Data = { 1, 0, 1 } };
        var uints = new TensorProto { DataType = (int)DataType.Uint32, Dims = { 1 }, Uint64Data = { uint.MaxValue } };
        var int8s = new TensorProto { DataType = (int)DataType.Int8, Dims = { 2 }, Int32Data = { -128, 127 } };
        var strings = new TensorProto { DataType = (int)DataType.String, Dims = { 1, 2 }, StringData = { ByteString.CopyFromUtf8("é"), ByteString.Empty } };
        var doubles = new TensorProto { DataType = (int)DataType.Double, Dims = { }, DoubleData = { 2.5 } };

        Assert.Equal(new[] { (Half)1, (Half)(-2) }, (Half[])TensorProtoConverter.ToTensor(halves, "h").Data);
        Assert.Equal(3.140625f, BFloat16Bits.ToSingle(((ushort[])TensorProtoConverter.ToTensor(bfloats, "b").Data)[0]));
        Assert.Equal(new[] { true, false, true }, (bool[])TensorProtoConverter.ToTensor(bools, "b").Data);
        Assert.Equal(new[] { uint.MaxValue }, (uint[])TensorProtoConverter.ToTensor(uints, "u").Data);
        Assert.Equal(new sbyte[] { -128, 127 }, (sbyte[])TensorProtoConverter.ToTensor(int8s, "i").Data);
        Assert.Equal(new[] { "é", string.Empty }, (string[])TensorProtoConverter.ToTensor(strings, "s").Data);
        var scalar = TensorProtoConverter.ToTensor(doubles, "d");
        Assert.Empty(scalar.Shape);
        Assert.Equal(new[] { 2.5 }, (double[])scalar.Data);
    }

    [Fact]
    public void TensorProto_RawDataOfTheWrongLength_IsRejected()
    {
        var proto = new TensorProto { DataType = (int)DataType.Float, Dims = { 2 }, RawData = ByteString.CopyFrom(new byte[7]) };
        Assert.Throws<InvalidDataException>(() => TensorProtoConverter.ToTensor(proto, "x"));
    }

    [Theory]
    [InlineData(1.0, 1.0009, true)]
    [InlineData(1.0, 1.0011, false)]
    [InlineData(0.0, 1e-7, true)]
    [InlineData(0.0, 2e-7, false)]
    [InlineData(double.NaN, double.NaN, true)]
    [InlineData(double.NaN, 0.0, false)]
    [InlineData(double.PositiveInfinity, double.PositiveInfinity, true)]
    [InlineData(double.PositiveInfinity, double.NegativeInfinity, false)]
    public void IsClose_UsesTheOnnxRunnerTolerances(double expected, double actual, bool close)
    {
        Assert.Equal(close, TensorAssert.IsClose(expected, actual));
    }

    [Fact]
    public void Difference_IsExactForIntegersAndNamesTheElement()
    {
        var expected = new Tensor("y", TensorDataType.Int64, [2], new long[] { 1, 2 });
        var actual = new Tensor("y", TensorDataType.Int64, [2], new long[] { 1, 3 });

        Assert.Equal("'y' element 1: expected 2, got 3.", TensorAssert.Difference(expected, actual));
        Assert.Null(TensorAssert.Difference(expected, expected));
        Assert.Contains("shape", TensorAssert.Difference(expected, new Tensor("y", TensorDataType.Int64, [1, 2], new long[] { 1, 2 })), StringComparison.Ordinal);
    }

    [Fact]
    public void Difference_ComparesMapsByKeyWithTolerance()
    {
        var expected = new MapSequence("p", [new Dictionary<string, double> { ["0"] = 0.5, ["1"] = 0.5 }]);
        var close = new MapSequence("p", [new Dictionary<string, double> { ["1"] = 0.50001, ["0"] = 0.49999 }]);
        var otherKeys = new MapSequence("p", [new Dictionary<string, double> { ["0"] = 0.5, ["2"] = 0.5 }]);

        Assert.Null(TensorAssert.Difference(expected, close));
        Assert.NotNull(TensorAssert.Difference(expected, otherKeys));
        Assert.Throws<Xunit.Sdk.XunitException>(() => TensorAssert.Equal(expected, otherKeys));
    }

    [Fact]
    public void ExpectedJson_ExtraRowsBecomeLabelCases()
    {
        var rows = OnnxTestCases.All().Where(c => c.Name.StartsWith("models/ankane-onnxruntime-ruby/lightgbm.onnx/row_", StringComparison.Ordinal)).ToList();

        Assert.Equal(5, rows.Count);
        Assert.All(rows, r => Assert.Equal(["label"], r.OutputNames!));
        Assert.Equal(new long[] { 2 }, (long[])((Tensor)rows[3].ExpectedOutputs[0]).Data);
    }
}
