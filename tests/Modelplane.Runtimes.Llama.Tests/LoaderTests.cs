using Modelplane.Abstractions;
using Modelplane.Abstractions.Flavors;
using Modelplane.Testing.Gguf;
using static Modelplane.Runtimes.Llama.Tests.TinyModelFixture;

namespace Modelplane.Runtimes.Llama.Tests;

[Collection("tiny")]
public sealed class LoaderTests(TinyModelFixture fixture)
{
    [Theory]
    [InlineData(GgufCorruptionKind.DuplicateTokens)]
    [InlineData(GgufCorruptionKind.InconsistentDimensions)]
    [InlineData(GgufCorruptionKind.TensorOffsetPastEnd)]
    public void Load_Corrupted_ThrowsCleanly(GgufCorruptionKind kind)
    {
        var bad = Path.Combine(fixture.Folder, $"load-{kind}.gguf");
        GgufCorruption.Write(fixture.ModelPath, bad, kind);
        var e = Assert.Throws<ModelplaneException>(() => LlamaModelLoader.Load(bad, new GgufFlavorConfig(), "bad", 1));
        Assert.Equal(400, e.StatusCode);
    }

    [Fact]
    public void Load_Missing_NamesThePath()
    {
        var path = Path.Combine(fixture.Folder, "missing.gguf");
        var e = Assert.Throws<ModelplaneException>(() => LlamaModelLoader.Load(path, new GgufFlavorConfig(), "m", 1));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Load_NoTemplate_FallsBackToChatMl()
    {
        var path = Path.Combine(fixture.Folder, "plain.gguf");
        TinyGguf.Write(path, new TinyGgufOptions { ChatTemplate = null });
        using var g = (LlamaGenerator)LlamaModelLoader.Load(path, new GgufFlavorConfig { ContextLength = 128, ParallelSequences = 1 }, "plain", 1);
        Assert.Equal(128, g.ContextLength);
        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", g.RenderChat([new() { Role = "user", Content = "hi" }]));
        Assert.Equal("length", Finish(await Collect(g.StreamChatAsync(Chat(maxTokens: 3, seed: 5), CancellationToken.None))));
    }

    [Fact]
    public void Load_UnknownTemplateOverride_Is400()
    {
        var e = Assert.Throws<ModelplaneException>(() => LlamaModelLoader.Load(fixture.ModelPath, new GgufFlavorConfig { ChatTemplate = "{{ nonsense }}" }, "m", 1));
        Assert.Contains("chat_template", e.Message, StringComparison.Ordinal);
    }
}
