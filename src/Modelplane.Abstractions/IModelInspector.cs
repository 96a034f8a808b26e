namespace Modelplane.Abstractions;

/// <summary>
/// Checks at registration time that a model file can be served, without keeping it loaded: the engine accepts it,
/// every file it references (ONNX external data) lies inside the model version's folder, and its graph signature.
/// </summary>
public interface IModelInspector
{
    /// <summary>Inspects a model file.</summary>
    /// <param name="modelPath">Absolute path of the model file (e.g. <c>model.onnx</c>).</param>
    /// <param name="rootDir">The model version's folder; referenced files must resolve inside it (no absolute paths,
    /// no <c>..</c>, no symbolic links leading out).</param>
    /// <param name="cancellationToken">Cancels the inspection.</param>
    /// <returns>The signature read from the model (tensor-based, -1 for variable dimensions).</returns>
    /// <exception cref="ModelplaneException"><c>INVALID_PARAMETER_VALUE</c> naming the reason the model cannot be served.</exception>
    Task<ModelSignature> InspectAsync(string modelPath, string rootDir, CancellationToken cancellationToken);
}
