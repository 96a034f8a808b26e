using Modelplane.Abstractions;
using static Modelplane.Runtimes.Embeddings.Tests.EmbeddingTestData;

namespace Modelplane.Runtimes.Embeddings.Tests;

/// <summary>Our token ids against BERT's rules, written down in <c>wordpiece-golden.json</c>; truncation; vocab loading.</summary>
[Collection(EmbeddingModelsCollection.Name)]
public sealed class WordPieceTokenizerTests(EmbeddingModelsFixture models)
{
    public static TheoryData<string, int> GoldenCases()
    {
        var data = new TheoryData<string, int>();
        foreach (var c in Golden)
        {
            data.Add(c.Id, c.MaxLength);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(GoldenCases))]
    public void Ids_MatchBertRules(string id, int maxLength)
    {
        var golden = Golden.Single(c => c.Id == id && c.MaxLength == maxLength);
        var tokenizer = WordPieceTokenizer.Load(Path.Combine(models.ArcticDirectory, "vocab.txt"), maxLength, lowercase: true);
        Assert.Equal(golden.Ids, tokenizer.Encode(golden.Text));
    }

    [Fact]
    public void Golden_CoversEveryKindOfDisagreement()
    {
        string[] kinds = ["accents-", "tabs-newlines", "cjk-", "zwsp-nbsp", "control-", "word-68", "word-120", "long-840"];
        foreach (var kind in kinds)
        {
            Assert.Contains(Golden, c => c.Id.StartsWith(kind, StringComparison.Ordinal));
        }
    }

    [Theory]
    [InlineData("arctic", 512)]
    [InlineData("minilm", 256)]
    public void LongInput_TruncatesToMaxLength_EndingInSep(string model, int maxLength)
    {
        var ids = models.Model(model).Tokenizer.Encode(Sentences.Single(s => s.Id == "long-840").Text);
        Assert.Equal(maxLength, ids.Length);
        Assert.Equal(101, ids[0]);
        Assert.Equal(102, ids[^1]);
        Assert.DoesNotContain(102L, ids[..^1]);
    }

    [Fact]
    public void Encode_IsThreadSafe()
    {
        var tokenizer = models.MiniLm.Tokenizer;
        var expected = Sentences.Select(s => tokenizer.Encode(s.Text)).ToList();
        var results = new long[8][][];
        Parallel.For(0, 8, worker => results[worker] = Sentences.Select(s => tokenizer.Encode(s.Text)).ToArray());
        foreach (var result in results)
        {
            Assert.Equal(expected, result);
        }
    }

    [Fact]
    public void Vocab_WithLfOrCrlf_GivesTheSameIds()
    {
        var dir = Directory.CreateTempSubdirectory("vocab-").FullName;
        try
        {
            string[] tokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello", "world", "##s", ","];
            File.WriteAllText(Path.Combine(dir, "lf.txt"), string.Join("\n", tokens) + "\n");
            File.WriteAllText(Path.Combine(dir, "crlf.txt"), string.Join("\r\n", tokens) + "\r\n");
            long[] expected = [2, 4, 7, 5, 6, 1, 3];
            Assert.Equal(expected, WordPieceTokenizer.Load(Path.Combine(dir, "lf.txt"), 16, true).Encode("Hello, worlds zzz"));
            Assert.Equal(expected, WordPieceTokenizer.Load(Path.Combine(dir, "crlf.txt"), 16, true).Encode("Hello, worlds zzz"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Vocab_WithoutSpecialTokens_IsRefused()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("vocab-").FullName, "vocab.txt");
        try
        {
            File.WriteAllLines(path, ["[UNK]", "[CLS]", "[SEP]", "hello"]);
            var error = Assert.Throws<ModelplaneException>(() => WordPieceTokenizer.Load(path, 16, true));
            Assert.Equal(ErrorCode.InvalidParameterValue, error.ErrorCode);
            Assert.Contains("[PAD]", error.Message, StringComparison.Ordinal);
            Assert.Contains(path, error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Fact]
    public void Vocab_Missing_IsRefusedNamingThePath()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid(), "vocab.txt");
        var error = Assert.Throws<ModelplaneException>(() => WordPieceTokenizer.Load(path, 16, true));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThisProcess_HasIcu_SoUncasedLoadingIsAllowed()
    {
        // The refusal itself needs InvariantGlobalization, which a process cannot switch at run time.
        Assert.True(WordPieceTokenizer.CanNormalizeUnicode);
    }
}
