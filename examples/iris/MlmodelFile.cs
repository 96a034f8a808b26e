using System.Security.Cryptography;

namespace Modelplane.Examples.Iris;

/// <summary>
/// Renders the <c>MLmodel</c> file of the MLflow model directory, laid out as <c>mlflow.onnx.save_model</c> writes
/// it (keys sorted, the signature as JSON strings). Fields that would make the file differ on every run
/// (<c>utc_time_created</c>, <c>run_id</c>) and those describing a Python environment are left out;
/// <c>model_uuid</c> is derived from the ONNX bytes.
/// </summary>
public static class MlmodelFile
{
    /// <summary>The ONNX data file's name inside the model directory.</summary>
    public const string OnnxFileName = "model.onnx";

    /// <summary>
    /// The <c>onnx_version</c> recorded in the flavor: the oldest <c>onnx</c> release that supports the graph's
    /// default-domain opset (12).
    /// </summary>
    public const string OnnxVersion = "1.7.0";

    /// <summary>Renders the file.</summary>
    /// <param name="onnxModel">The bytes of <c>model.onnx</c>.</param>
    /// <returns>YAML text.</returns>
    public static string Render(byte[] onnxModel)
    {
        var uuid = Convert.ToHexStringLower(SHA256.HashData(onnxModel))[..32];
        var classes = string.Concat(IrisSchema.ClassOrder.Select(c => $"  - {c}\n"));
        return $"""
            flavors:
              onnx:
                code: null
                data: {OnnxFileName}
                onnx_version: {OnnxVersion}
                providers:
                - CPUExecutionProvider
              python_function:
                data: {OnnxFileName}
                loader_module: mlflow.onnx
            metadata:
              generator: Modelplane.Examples.Iris
              probabilities_class_order:
            {classes}model_size_bytes: {onnxModel.Length}
            model_uuid: {uuid}
            saved_input_example_info:
              artifact_path: input_example.json
              pandas_orient: split
              serving_input_path: serving_input_example.json
              type: dataframe
            signature:
              inputs: '{MlflowSignature.InputsJson}'
              outputs: '{MlflowSignature.OutputsJson}'
              params: null

            """;
    }
}
