namespace Modelplane.Testing.Onnx;

/// <summary>
/// Every ONNX test case: in <c>tests/testdata/onnx</c>, the ONNX backend node tests (<c>node/</c>), the "simple model"
/// tests (<c>simple/</c>) and the bindings' models (<c>models/EXPECTED.json</c> plus unlisted models, load-only), copied
/// from shared test data (sources and licences in <c>tests/testdata/NOTICE.md</c>); and the models of
/// <see cref="SyntheticOnnxModels"/> (<c>synthetic/</c>), written at first use.
/// </summary>
public static class OnnxTestCases
{
    private static readonly Lazy<IReadOnlyList<OnnxTestCase>> AllCases = new(ReadAll);

    /// <summary>
    /// Models a server must refuse at load with <c>INVALID_PARAMETER_VALUE</c> (and keep running): case name → a fragment
    /// of the expected message and the reason.
    /// </summary>
    public static IReadOnlyDictionary<string, UnservableModel> Unservable { get; } = new Dictionary<string, UnservableModel>(
        new Dictionary<string, UnservableModel>(StringComparer.Ordinal)
        {
            ["node/test_range_int32_type_negative_delta"] = new(
                "opset 27", "imports ai.onnx opset 27 (under development); ONNX Runtime 1.31.1 supports ai.onnx up to opset 26"),
            ["models/yalue-onnxruntime_go/example_needs_extensions.onnx"] = new(
                "custom domain 'ai.onnx.contrib'", "StringUpper comes from onnxruntime-extensions, a custom-op library Modelplane does not load"),
        }.Concat(SyntheticOnnxModels.Unservable),
        StringComparer.Ordinal);

    /// <summary>
    /// Cases whose operators need an operating-system locale (ONNX Runtime's StringNormalizer builds
    /// <c>std::locale("en_US.UTF-8")</c>): case name → locale. Where the locale is not installed, loading must fail with
    /// <c>INVALID_PARAMETER_VALUE</c> naming it; where it is, the case runs like any other.
    /// </summary>
    public static IReadOnlyDictionary<string, string> NeedsLocale { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["node/test_strnormalizer_export_monday_casesensintive_lower"] = "en_US.UTF-8",
        ["simple/test_strnorm_model_monday_insensintive_upper_twodim"] = "en_US.UTF-8",
        ["models/yalue-onnxruntime_go/example_strings.onnx"] = "en_US.UTF-8",
    };

    /// <summary>All cases, ordered by name.</summary>
    public static IReadOnlyList<OnnxTestCase> All() => AllCases.Value;

    /// <summary>The cases a server can load and run.</summary>
    public static IEnumerable<OnnxTestCase> Servable() => All().Where(c => c.IsServable);

    /// <summary>Finds a case by name.</summary>
    /// <exception cref="KeyNotFoundException">No case has that name.</exception>
    public static OnnxTestCase Get(string name) =>
        All().FirstOrDefault(c => c.Name == name) ?? throw new KeyNotFoundException($"No ONNX test case named '{name}'.");

    /// <summary>Every case name as xunit <c>MemberData</c> rows (one string each).</summary>
    public static IEnumerable<object[]> Names() => All().Select(c => new object[] { c.Name });

    /// <summary>Servable case names as xunit <c>MemberData</c> rows.</summary>
    public static IEnumerable<object[]> ServableNames() => Servable().Select(c => new object[] { c.Name });

    /// <summary>Unservable case names as xunit <c>MemberData</c> rows.</summary>
    public static IEnumerable<object[]> UnservableNames() => Unservable.Keys.Order(StringComparer.Ordinal).Select(n => new object[] { n });

    private static IReadOnlyList<OnnxTestCase> ReadAll()
    {
        var root = TestData.PathOf("onnx");
        return OnnxBackendTestReader.ReadFolder(Path.Combine(root, "node"), "node")
            .Concat(OnnxBackendTestReader.ReadFolder(Path.Combine(root, "simple"), "simple"))
            .Concat(ExpectedModelsReader.ReadFolder(Path.Combine(root, "models")))
            .Concat(SyntheticOnnxModels.Cases())
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToList();
    }
}
