using Modelplane.Abstractions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Modelplane.Core.Registry;

/// <summary>
/// Parses an MLflow <c>MLmodel</c> YAML file (MLflow 1.x to 3.x) with YamlDotNet's representation model. Only the keys
/// Modelplane uses are read: <c>flavors</c>, <c>signature</c> (whose <c>inputs</c>, <c>outputs</c> and <c>params</c> are
/// JSON strings inside the YAML, see <see cref="MlflowSignatureParser"/>), <c>saved_input_example_info</c> (or an
/// older top-level <c>input_example</c> block) and <c>mlflow_version</c>. Flavors are not judged here; see
/// <see cref="MlflowFlavorPolicy"/>.
/// </summary>
public static class MlmodelParser
{
    /// <summary>Largest <c>MLmodel</c> file read, in bytes (real ones are a few KB).</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>Reads and parses <c>MLmodel</c> from a file.</summary>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> when the file is too large or malformed.</exception>
    public static MlflowModelFile ParseFile(string path)
    {
        if (new FileInfo(path).Length > MaxFileBytes)
        {
            throw ModelplaneException.InvalidParameter($"MLmodel is larger than {MaxFileBytes} bytes.");
        }

        return Parse(File.ReadAllText(path));
    }

    /// <summary>Parses the text of an <c>MLmodel</c> file.</summary>
    /// <param name="yaml">The file's text.</param>
    /// <returns>The flavors, signature and input-example info.</returns>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming what is wrong: not YAML, not a mapping,
    /// no <c>flavors</c>, or a signature that is not MLflow's JSON.</exception>
    public static MlflowModelFile Parse(string yaml)
    {
        var root = Load(yaml);
        if (Child(root, "flavors") is not YamlMappingNode flavorsNode || flavorsNode.Children.Count == 0)
        {
            throw ModelplaneException.InvalidParameter("MLmodel has no 'flavors'.");
        }

        var flavors = new Dictionary<string, IReadOnlyDictionary<string, string?>>(StringComparer.Ordinal);
        foreach (var (key, value) in flavorsNode.Children)
        {
            flavors[Text(key) ?? string.Empty] = Scalars(value as YamlMappingNode);
        }

        ModelSignature? signature = null;
        if (Child(root, "signature") is YamlMappingNode sig)
        {
            signature = MlflowSignatureParser.Parse(Text(Child(sig, "inputs")), Text(Child(sig, "outputs")), Text(Child(sig, "params")));
        }

        var example = (Child(root, "saved_input_example_info") ?? Child(root, "input_example")) is YamlMappingNode info
            ? ReadExampleInfo(Scalars(info))
            : null;

        return new MlflowModelFile(flavors, signature, example, Text(Child(root, "mlflow_version")));
    }

    private static YamlMappingNode Load(string yaml)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            throw ModelplaneException.InvalidParameter($"MLmodel is not valid YAML: {e.Message}");
        }

        return stream.Documents.Count > 0 && stream.Documents[0].RootNode is YamlMappingNode root
            ? root
            : throw ModelplaneException.InvalidParameter("MLmodel is not a YAML mapping.");
    }

    private static InputExampleInfo ReadExampleInfo(IReadOnlyDictionary<string, string?> info) => new(
        info.GetValueOrDefault("artifact_path"),
        info.GetValueOrDefault("type"),
        info.GetValueOrDefault("pandas_orient"),
        info.GetValueOrDefault("serving_input_path"),
        string.Equals(info.GetValueOrDefault("params"), "true", StringComparison.OrdinalIgnoreCase));

    private static Dictionary<string, string?> Scalars(YamlMappingNode? node)
    {
        var result = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (node is null)
        {
            return result;
        }

        foreach (var (key, value) in node.Children)
        {
            if (value is YamlScalarNode)
            {
                result[Text(key) ?? string.Empty] = Text(value);
            }
        }

        return result;
    }

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    /// <summary>A scalar's text; null for YAML null (<c>null</c>, <c>~</c>, empty) and for non-scalars.</summary>
    private static string? Text(YamlNode? node) => node switch
    {
        YamlScalarNode { Style: ScalarStyle.Plain, Value: null or "" or "~" or "null" or "Null" or "NULL" } => null,
        YamlScalarNode scalar => scalar.Value,
        _ => null,
    };
}
