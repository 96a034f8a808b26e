using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Modelplane.Core.Tests.Registry;

/// <summary>Builds ZIP and tar archives in memory with the same libraries the registry reads them with.</summary>
internal static class TestArchives
{
    /// <summary>A tiny stand-in ONNX file: starts with the protobuf tag of <c>ir_version</c> (0x08).</summary>
    public static readonly byte[] FakeOnnx = [0x08, 0x07, 0x12, 0x04, (byte)'t', (byte)'e', (byte)'s', (byte)'t'];

    /// <summary>An MLmodel of the onnx flavor with a column signature.</summary>
    public const string OnnxMlmodel = """
        flavors:
          onnx:
            data: model.onnx
            onnx_version: 1.16.2
          python_function:
            data: model.onnx
            loader_module: mlflow.onnx
        signature:
          inputs: '[{"type": "double", "name": "sepal_length", "required": true}, {"type": "double", "name": "petal_length", "required": false}]'
          outputs: '[{"type": "tensor", "tensor-spec": {"dtype": "int64", "shape": [-1]}}]'
        """;

    public static byte[] Zip(params (string Name, byte[] Data)[] entries) => Zip(entries, unixModes: null);

    public static byte[] Zip((string Name, byte[] Data)[] entries, int?[]? unixModes)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < entries.Length; i++)
            {
                var entry = zip.CreateEntry(entries[i].Name, CompressionLevel.Optimal);
                if (unixModes?[i] is { } mode)
                {
                    entry.ExternalAttributes = mode << 16;
                }

                using var stream = entry.Open();
                stream.Write(entries[i].Data);
            }
        }

        return buffer.ToArray();
    }

    public static byte[] Tar(params TarEntry[] entries)
    {
        using var buffer = new MemoryStream();
        using (var tar = new TarWriter(buffer, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var entry in entries)
            {
                tar.WriteEntry(entry);
            }
        }

        return buffer.ToArray();
    }

    public static byte[] TarGz(params TarEntry[] entries) => Gzip(Tar(entries));

    public static byte[] Gzip(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return buffer.ToArray();
    }

    public static PaxTarEntry File(string name, byte[] data) =>
        new(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) };

    public static PaxTarEntry File(string name, string text) => File(name, Encoding.UTF8.GetBytes(text));

    public static PaxTarEntry Directory(string name) => new(TarEntryType.Directory, name);

    public static PaxTarEntry Link(TarEntryType type, string name, string target) => new(type, name) { LinkName = target };

    public static (string, byte[]) Entry(string name, string text) => (name, Encoding.UTF8.GetBytes(text));

    /// <summary>The files of an MLflow onnx model directory.</summary>
    public static (string Name, byte[] Data)[] OnnxModelDir(string prefix = "") =>
    [
        ($"{prefix}MLmodel", Encoding.UTF8.GetBytes(OnnxMlmodel)),
        ($"{prefix}model.onnx", FakeOnnx),
        ($"{prefix}serving_input_example.json", Encoding.UTF8.GetBytes("""{"dataframe_split": {"columns": ["sepal_length", "petal_length"], "data": [[5.1, 1.4]]}}""")),
    ];

    /// <summary>Bytes that do not compress (so ratio limits are not hit by accident).</summary>
    public static byte[] Random(int length, int seed = 7)
    {
        var data = new byte[length];
        new System.Random(seed).NextBytes(data);
        return data;
    }
}
