using Modelplane.Abstractions;

namespace Modelplane.Core.Registry;

/// <summary>
/// Decides whether an MLflow model can be served: Modelplane runs ONNX graphs only, so the model must have the
/// <c>onnx</c> flavor, every other flavor must be absent, and <c>python_function</c> (if present) must load through
/// <c>mlflow.onnx</c>. A model logged by <c>mlflow.sklearn</c>, <c>mlflow.xgboost</c>, <c>mlflow.langchain</c>, a custom
/// <c>mlflow.pyfunc.model</c> … would need its Python code to run and is refused.
/// </summary>
public static class MlflowFlavorPolicy
{
    /// <summary>The <c>loader_module</c> MLflow writes for onnx models.</summary>
    public const string OnnxLoaderModule = "mlflow.onnx";

    /// <summary>Checks the flavors and returns the onnx model file's path.</summary>
    /// <param name="model">The parsed MLmodel.</param>
    /// <returns>The onnx flavor's <c>data</c> (relative path of the <c>.onnx</c> file).</returns>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming the flavor(s) or loader module that
    /// cannot be served, or the missing <c>data</c> key.</exception>
    public static string RequireOnnx(MlflowModelFile model)
    {
        var others = model.Flavors.Keys
            .Where(f => f is not (MlflowModelFile.OnnxFlavor or MlflowModelFile.PythonFunctionFlavor))
            .ToList();
        var loader = model.LoaderModule;
        var badLoader = model.Flavors.ContainsKey(MlflowModelFile.PythonFunctionFlavor) && loader != OnnxLoaderModule;
        if (others.Count > 0 || badLoader || !model.Flavors.ContainsKey(MlflowModelFile.OnnxFlavor))
        {
            var named = others.Select(f => $"'{f}'").ToList();
            if (badLoader)
            {
                named.Add($"'python_function' (loader_module '{loader ?? "none"}')");
            }

            var what = named.Count > 0
                ? $"MLmodel flavor{(named.Count > 1 ? "s" : string.Empty)} {string.Join(", ", named)} cannot be served"
                : "MLmodel has no 'onnx' flavor";
            throw ModelplaneException.InvalidParameter(
                $"{what}: Modelplane serves MLflow models of the 'onnx' flavor only (log the model with mlflow.onnx, " +
                "or convert it to ONNX first).");
        }

        return model.OnnxData
            ?? throw ModelplaneException.InvalidParameter("MLmodel flavor 'onnx' has no 'data' key naming the .onnx file.");
    }
}
