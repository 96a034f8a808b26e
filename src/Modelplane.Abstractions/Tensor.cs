namespace Modelplane.Abstractions;

/// <summary>A named value produced by a model: a <see cref="Tensor"/> or a <see cref="MapSequence"/>.</summary>
/// <param name="Name">The graph input or output name.</param>
public abstract record ModelValue(string Name);

/// <summary>
/// A dense tensor in row-major order. <see cref="Data"/> is a flat array whose CLR element type is
/// <see cref="TensorDataTypes.ElementType"/> of <see cref="DataType"/> (e.g. <c>float[]</c> for FP32, <c>Half[]</c> for
/// FP16, <c>ushort[]</c> bits for BF16, <c>string[]</c> for BYTES); its length is the product of <see cref="Shape"/>.
/// </summary>
public sealed record Tensor : ModelValue
{
    /// <summary>Creates a tensor, checking that the data's element type and length match the datatype and shape.</summary>
    /// <exception cref="ArgumentException">The data's element type or length does not match.</exception>
    public Tensor(string name, TensorDataType dataType, long[] shape, Array data)
        : base(name)
    {
        if (data.GetType().GetElementType() != dataType.ElementType())
        {
            throw new ArgumentException($"Tensor '{name}': data is {data.GetType().Name}, datatype {dataType} needs {dataType.ElementType().Name}[].", nameof(data));
        }

        if (ElementCount(shape) != data.Length)
        {
            throw new ArgumentException($"Tensor '{name}': shape [{string.Join(",", shape)}] holds {ElementCount(shape)} elements, data has {data.Length}.", nameof(data));
        }

        DataType = dataType;
        Shape = shape;
        Data = data;
    }

    /// <summary>The element type.</summary>
    public TensorDataType DataType { get; }

    /// <summary>The dimensions, outermost first; empty for a scalar.</summary>
    public long[] Shape { get; }

    /// <summary>The elements, flat and row-major.</summary>
    public Array Data { get; }

    /// <summary>The number of elements a shape holds (1 for a scalar).</summary>
    public static long ElementCount(ReadOnlySpan<long> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            n *= d;
        }

        return n;
    }
}

/// <summary>
/// A sequence of maps, one per row, as ONNX-ML's <c>ZipMap</c> produces (<c>seq(map(int64|string, float))</c>).
/// Keys are given as strings, as JSON writes them.
/// </summary>
/// <param name="Name">The graph output name.</param>
/// <param name="Items">One map per row.</param>
public sealed record MapSequence(string Name, IReadOnlyList<IReadOnlyDictionary<string, double>> Items) : ModelValue(Name);
