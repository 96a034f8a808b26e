namespace Modelplane.Examples.Iris;

/// <summary>Writes the MLflow model directory the server serves: <c>model.onnx</c>, <c>MLmodel</c> and the input examples.</summary>
public static class MlflowModelWriter
{
    /// <summary>The file names written, relative to the model directory.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        [MlmodelFile.OnnxFileName, "MLmodel", "input_example.json", "serving_input_example.json"];

    /// <summary>Writes (or overwrites) the model directory.</summary>
    /// <param name="directory">Target directory; created if missing.</param>
    /// <param name="onnxModel">The bytes of <c>model.onnx</c>.</param>
    /// <param name="exampleRows">The rows shown in the input examples.</param>
    public static void Write(string directory, byte[] onnxModel, IReadOnlyList<IrisFeatures> exampleRows)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, FileNames[0]), onnxModel);
        WriteText(Path.Combine(directory, FileNames[1]), MlmodelFile.Render(onnxModel));
        WriteText(Path.Combine(directory, FileNames[2]), MlflowInputExample.InputExampleJson(exampleRows) + "\n");
        WriteText(Path.Combine(directory, FileNames[3]), MlflowInputExample.ServingInputExampleJson(exampleRows) + "\n");
    }

    private static void WriteText(string path, string text) =>
        File.WriteAllText(path, text, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
}
