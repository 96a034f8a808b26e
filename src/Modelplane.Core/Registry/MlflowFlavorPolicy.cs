using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;

namespace Modelplane.Core.Registry;

/// <summary>
/// Decides whether an MLflow model can be served and by which flavor. Modelplane runs ONNX graphs (<c>onnx</c>),
/// GGUF language models (<c>gguf</c>) and ONNX text encoders (<c>modelplane_embedding</c>); exactly one of these must
/// be present and every other flavor absent, except <c>python_function</c>: beside <c>onnx</c> it must load through
/// <c>mlflow.onnx</c>; beside <c>gguf</c> or <c>modelplane_embedding</c> it is ignored (those flavors name their files
/// themselves). A model logged by <c>mlflow.sklearn</c>, <c>mlflow.xgboost</c>, <c>mlflow.langchain</c>, a custom
/// <c>mlflow.pyfunc.model</c> … would need its Python code to run and is refused.
/// </summary>
public static class MlflowFlavorPolicy
{
    /// <summary>The <c>loader_module</c> MLflow writes for onnx models.</summary>
    public const string OnnxLoaderModule = "mlflow.onnx";

    /// <summary>The flavors Modelplane serves, in the order they are named in errors.</summary>
    public static readonly IReadOnlyList<string> ServingFlavors = [ModelFlavor.Onnx, ModelFlavor.Gguf, ModelFlavor.Embedding];

    /// <summary>Checks the flavors and returns the one to serve.</summary>
    /// <param name="model">The parsed MLmodel.</param>
    /// <returns><see cref="ModelFlavor.Onnx"/>, <see cref="ModelFlavor.Gguf"/> or <see cref="ModelFlavor.Embedding"/>.</returns>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming the flavor(s) or loader module that
    /// cannot be served, or the serving flavors when there is more than one.</exception>
    public static string SelectFlavor(MlflowModelFile model)
    {
        var serving = ServingFlavors.Where(model.Flavors.ContainsKey).ToList();
        if (serving.Count > 1)
        {
            throw ModelplaneException.InvalidParameter(
                $"MLmodel has the flavors {string.Join(", ", serving.Select(f => $"'{f}'"))}; keep exactly one of " +
                $"{string.Join(", ", ServingFlavors.Select(f => $"'{f}'"))}.");
        }

        var others = model.Flavors.Keys
            .Where(f => !ServingFlavors.Contains(f) && f != MlflowModelFile.PythonFunctionFlavor)
            .ToList();
        var loader = model.LoaderModule;
        var llm = serving.Count == 1 && serving[0] != ModelFlavor.Onnx;
        var badLoader = !llm && model.Flavors.ContainsKey(MlflowModelFile.PythonFunctionFlavor) && loader != OnnxLoaderModule;
        if (others.Count > 0 || badLoader || serving.Count == 0)
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
                "or convert it to ONNX first), besides its own 'gguf' and 'modelplane_embedding' flavors for language " +
                "models (docs/custom-llm-models.md).");
        }

        return serving[0];
    }

    /// <summary>Checks the flavors (<see cref="SelectFlavor"/>) and returns the onnx model file's path.</summary>
    /// <param name="model">The parsed MLmodel.</param>
    /// <returns>The onnx flavor's <c>data</c> (relative path of the <c>.onnx</c> file).</returns>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> as for <see cref="SelectFlavor"/>, when
    /// the flavor is not <c>onnx</c>, or when its <c>data</c> key is missing.</exception>
    public static string RequireOnnx(MlflowModelFile model)
    {
        var flavor = SelectFlavor(model);
        if (flavor != ModelFlavor.Onnx)
        {
            throw ModelplaneException.InvalidParameter($"MLmodel has the '{flavor}' flavor, not 'onnx'.");
        }

        return model.OnnxData
            ?? throw ModelplaneException.InvalidParameter("MLmodel flavor 'onnx' has no 'data' key naming the .onnx file.");
    }
}
