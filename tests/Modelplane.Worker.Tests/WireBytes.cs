using System.Runtime.InteropServices;

namespace Modelplane.Worker.Tests;

/// <summary>Helpers to compare tensors bit for bit (NaN payloads, negative zero) and to run a codec round trip.</summary>
internal static class WireBytes
{
    /// <summary>The raw bytes of a non-string tensor's data.</summary>
    public static byte[] Of(Tensor tensor) => tensor.DataType == TensorDataType.String
        ? throw new ArgumentException("strings have no raw bytes")
        : MemoryMarshal.CreateReadOnlySpan(ref MemoryMarshal.GetArrayDataReference(tensor.Data), tensor.Data.Length * ElementSize(tensor.DataType)).ToArray();

    public static void AssertSame(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.DataType, actual.DataType);
        Assert.Equal(expected.Shape, actual.Shape);
        if (expected.DataType == TensorDataType.String)
        {
            Assert.Equal((string[])expected.Data, (string[])actual.Data);
        }
        else
        {
            Assert.Equal(Of(expected), Of(actual));
        }
    }

    /// <summary>Writes frames with <paramref name="write"/> to memory and reads them back.</summary>
    public static async Task<List<(FrameType Type, uint Id, byte[] Payload)>> RoundTripAsync(Func<FrameWriter, Task> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new FrameWriter(stream))
        {
            await write(writer);
        }

        stream.Position = 0;
        using var reader = new FrameReader(stream);
        var frames = new List<(FrameType, uint, byte[])>();
        while (await reader.ReadAsync(CancellationToken.None) is { } frame)
        {
            frames.Add((frame.Type, frame.RequestId, frame.Payload.ToArray()));
        }

        return frames;
    }

    private static int ElementSize(TensorDataType t) => t switch
    {
        TensorDataType.Bool or TensorDataType.UInt8 or TensorDataType.Int8 => 1,
        TensorDataType.UInt16 or TensorDataType.Int16 or TensorDataType.Float16 or TensorDataType.BFloat16 => 2,
        TensorDataType.UInt32 or TensorDataType.Int32 or TensorDataType.Float32 => 4,
        _ => 8,
    };
}
