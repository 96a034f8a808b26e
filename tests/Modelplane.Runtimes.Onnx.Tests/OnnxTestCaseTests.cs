using Modelplane.Abstractions;
using Modelplane.Testing;
using Modelplane.Testing.Onnx;

namespace Modelplane.Runtimes.Onnx.Tests;

/// <summary>Every ONNX test case: servable ones load, match their declared signature and outputs; the rest are refused cleanly.</summary>
public sealed class OnnxTestCaseTests
{
    private readonly OnnxModelRuntime _runtime = new();

    [Theory]
    [MemberData(nameof(OnnxTestCases.Names), MemberType = typeof(OnnxTestCases))]
    public async Task Case_LoadsAndMatchesUpstream_OrIsRefusedCleanly(string name)
    {
        var testCase = OnnxTestCases.Get(name);
        if (!testCase.IsServable)
        {
            await AssertRefused(testCase, OnnxTestCases.Unservable[name].MessageFragment);
            return;
        }

        ILoadedModel model;
        try
        {
            model = await _runtime.LoadAsync(testCase.ModelPath, new RuntimeOptions(), CancellationToken.None);
        }
        catch (ModelplaneException ex) when (testCase.RequiredLocale is { } locale && ex.Message.Contains($"locale '{locale}'", StringComparison.Ordinal))
        {
            // This node lacks the OS locale the model's StringNormalizer needs: a clean refusal is the right answer here.
            AssertClean(ex);
            await AssertRuntimeStillServes();
            return;
        }

        using (model)
        {
            AssertSignature(testCase.ExpectedSignature, model.Signature);
            if (testCase.HasExpectedOutputs)
            {
                var outputs = await model.RunAsync(testCase.Inputs, testCase.OutputNames, CancellationToken.None);
                Assert.Equal(testCase.OutputNames ?? model.Signature.Outputs.Select(o => o.Name!).ToList(), outputs.Select(o => o.Name));
                TensorAssert.AllEqual(testCase.ExpectedOutputs, outputs);
            }
            else
            {
                Assert.NotEmpty(model.Signature.Outputs);
            }
        }
    }

    [Theory]
    [MemberData(nameof(OnnxTestCases.UnservableNames), MemberType = typeof(OnnxTestCases))]
    public async Task Unservable_IsRefusedByTheInspectorToo(string name)
    {
        var testCase = OnnxTestCases.Get(name);
        var rootDir = Path.GetDirectoryName(testCase.ModelPath)!;
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => new OnnxModelInspector().InspectAsync(testCase.ModelPath, rootDir, CancellationToken.None));
        Assert.Equal(ErrorCode.InvalidParameterValue, ex.ErrorCode);
        Assert.Contains(OnnxTestCases.Unservable[name].MessageFragment, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cases_CoverEveryFolderAndModel()
    {
        var names = OnnxTestCases.All().Select(c => c.Name).ToList();
        Assert.Equal(names.Count, names.Distinct().Count());
        Assert.Equal(Directory.GetDirectories(TestData.PathOf("onnx", "node")).Length, names.Count(n => n.StartsWith("node/", StringComparison.Ordinal)));
        Assert.Equal(Directory.GetDirectories(TestData.PathOf("onnx", "simple")).Length, names.Count(n => n.StartsWith("simple/", StringComparison.Ordinal)));
        var modelFiles = Directory.GetFiles(TestData.PathOf("onnx", "models"), "*.onnx", SearchOption.AllDirectories);
        Assert.All(modelFiles, f => Assert.Contains($"models/{Path.GetRelativePath(TestData.PathOf("onnx", "models"), f)}", names));
        Assert.All(OnnxTestCases.Unservable.Keys, k => Assert.Contains(k, names));
        Assert.All(OnnxTestCases.NeedsLocale.Keys, k => Assert.Contains(k, names));
    }

    private async Task AssertRefused(OnnxTestCase testCase, string fragment)
    {
        var ex = await Assert.ThrowsAsync<ModelplaneException>(() => _runtime.LoadAsync(testCase.ModelPath, new RuntimeOptions(), CancellationToken.None));
        Assert.Contains(fragment, ex.Message, StringComparison.Ordinal);
        AssertClean(ex);
        await AssertRuntimeStillServes();
    }

    private static void AssertClean(ModelplaneException ex)
    {
        Assert.Equal(ErrorCode.InvalidParameterValue, ex.ErrorCode);
        Assert.Equal(400, ex.StatusCode);
        Assert.DoesNotContain('\n', ex.Message);
        Assert.DoesNotContain("[ErrorCode:", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("/onnxruntime_src", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestData.Root, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath(), ex.Message, StringComparison.Ordinal);
    }

    /// <summary>After a refusal the process and the engine keep working: a known-good model loads and runs.</summary>
    private async Task AssertRuntimeStillServes()
    {
        var relu = OnnxTestCases.Get("node/test_relu");
        using var model = await _runtime.LoadAsync(relu.ModelPath, new RuntimeOptions(), CancellationToken.None);
        TensorAssert.AllEqual(relu.ExpectedOutputs, await model.RunAsync(relu.Inputs, null, CancellationToken.None));
    }

    private static void AssertSignature(OnnxSignatureSpec? expected, ModelSignature actual)
    {
        Assert.Equal(SignatureKind.Tensors, actual.Kind);
        Assert.Empty(actual.Params);
        if (expected is null)
        {
            return;
        }

        Assert.Equal(expected.Inputs.Select(i => i.Name), actual.Inputs.Select(i => i.Name!));
        Assert.Equal(expected.Outputs.Select(o => o.Name), actual.Outputs.Select(o => o.Name!));
        foreach (var spec in expected.Inputs.Concat(expected.Outputs))
        {
            var tensorSpec = actual.Inputs.Concat(actual.Outputs).Single(s => s.Name == spec.Name);
            Assert.Equal(spec.Type, tensorSpec.SourceType);
            if (spec.Shape is not null)
            {
                Assert.Equal(spec.Shape, tensorSpec.Shape);
            }
        }
    }
}
