using System.Buffers.Binary;
using Google.Protobuf;
using Modelplane.Runtimes.Onnx.Proto;
using Modelplane.Testing;
using Modelplane.Testing.Onnx;
using DataType = Modelplane.Runtimes.Onnx.Proto.TensorProto.Types.DataType;

namespace Modelplane.Core.Tests.Registry.Flavors;

/// <summary>Artifacts of the LLM flavors for registry tests: GGUF headers, a tiny embedding ONNX graph, the MLflow
/// directories of <c>tests/testdata/llm-flavors</c>.</summary>
internal static class LlmArtifacts
{
    /// <summary>The folder with the flavor MLmodel files and vocabulary.</summary>
    public static string Folder => TestData.PathOf("llm-flavors");

    /// <summary>A GGUF file holding only its 24-byte header (no tensors, no metadata), plus <paramref name="padding"/> bytes.</summary>
    public static byte[] GgufHeader(uint version = 3, int padding = 0)
    {
        var bytes = new byte[24 + padding];
        "GGUF"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(4), version);
        return bytes;
    }

    /// <summary>
    /// A BERT-shaped stand-in: inputs <c>input_ids</c>, <c>attention_mask</c> INT64 [batch, tokens] (plus
    /// <paramref name="extraInputs"/>), output <paramref name="output"/> FP32 [batch, tokens, D] computed as
    /// <c>float(ids * mask)[..., None] * w</c> with <c>w</c> of length <paramref name="dimensions"/>; the declared last
    /// dimension is symbolic when <paramref name="symbolicLastDim"/>.
    /// </summary>
    public static byte[] EmbeddingOnnx(int dimensions = 8, bool symbolicLastDim = false, string output = "last_hidden_state", params string[] extraInputs)
    {
        var weights = new TensorProto { Name = "w", DataType = (int)DataType.Float };
        weights.Dims.Add(dimensions);
        weights.FloatData.AddRange(Enumerable.Range(1, dimensions).Select(i => i / 10f));
        var axes = new TensorProto { Name = "axes", DataType = (int)DataType.Int64 };
        axes.Dims.Add(1);
        axes.Int64Data.Add(2);
        var toFloat = new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (int)DataType.Float };
        var inputs = new[] { "input_ids", "attention_mask" }.Concat(extraInputs)
            .Select(n => OnnxModelBuilder.Value(n, OnnxModelBuilder.TensorType(DataType.Int64, "batch", "tokens")));
        var graph = OnnxModelBuilder.Graph(
            [
                OnnxModelBuilder.Node("Cast", ["input_ids"], ["ids"], attributes: toFloat),
                OnnxModelBuilder.Node("Cast", ["attention_mask"], ["mask"], attributes: toFloat),
                OnnxModelBuilder.Node("Mul", ["ids", "mask"], ["masked"]),
                OnnxModelBuilder.Node("Unsqueeze", ["masked", "axes"], ["column"]),
                OnnxModelBuilder.Node("Mul", ["column", "w"], [output]),
            ],
            inputs,
            [OnnxModelBuilder.Value(output, OnnxModelBuilder.TensorType(DataType.Float, "batch", "tokens", symbolicLastDim ? "hidden" : dimensions))],
            [weights, axes]);
        return OnnxModelBuilder.Model(graph).ToByteArray();
    }

    /// <summary>The files of the embedding directory: its MLmodel (optionally replaced), vocab.txt and a model.onnx.</summary>
    public static (string Name, byte[] Data)[] EmbeddingDir(string? mlmodel = null, byte[]? onnx = null) =>
    [
        ("MLmodel", mlmodel is null ? File.ReadAllBytes(Path.Combine(Folder, "embedding", "MLmodel")) : System.Text.Encoding.UTF8.GetBytes(mlmodel)),
        ("vocab.txt", File.ReadAllBytes(Path.Combine(Folder, "embedding", "vocab.txt"))),
        ("model.onnx", onnx ?? EmbeddingOnnx()),
    ];

    /// <summary>The files of the gguf directory: its MLmodel (optionally replaced) and a model.gguf.</summary>
    public static (string Name, byte[] Data)[] GgufDir(string? mlmodel = null, byte[]? gguf = null) =>
    [
        ("MLmodel", mlmodel is null ? File.ReadAllBytes(Path.Combine(Folder, "gguf", "MLmodel")) : System.Text.Encoding.UTF8.GetBytes(mlmodel)),
        ("model.gguf", gguf ?? GgufHeader()),
    ];
}
