using System.Text.Json;
using Modelplane.Abstractions.Llm;
using static Modelplane.Runtimes.Llama.Tests.TinyModelFixture;

namespace Modelplane.Runtimes.Llama.Tests;

[Collection("tiny")]
public sealed class JsonOutputTests(TinyModelFixture fixture)
{
    private const string Schema = """
        {"type":"object","additionalProperties":false,
         "properties":{
           "name":{"type":"string","maxLength":6},
           "color":{"enum":["red","green","blue"]},
           "count":{"type":"integer"},
           "ok":{"type":"boolean"},
           "tags":{"type":"array","items":{"type":"string","maxLength":3},"maxItems":2},
           "note":{"type":"string","maxLength":4}},
         "required":["name","color","count","ok","tags"]}
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public async Task JsonSchema_OutputParsesAndValidates(long seed)
    {
        var request = Chat("give me json", seed, maxTokens: 400);
        request.ResponseFormat = new ResponseFormat { Type = "json_schema", JsonSchema = new JsonSchemaFormat { Name = "t", Schema = Json(Schema) } };
        var chunks = await Collect(fixture.Generator.StreamChatAsync(request, CancellationToken.None));
        var text = Text(chunks);
        Assert.True(Finish(chunks) == "stop", $"finish {Finish(chunks)}: {text}");
        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        // maxLength bounds grammar code points; byte-fallback tokens can form invalid UTF-8 that llama.cpp's grammar
        // lets through and that decodes to several U+FFFD, so lengths are not asserted here (see JsonSchemaGbnf docs).
        Assert.Equal(JsonValueKind.String, root.GetProperty("name").ValueKind);
        Assert.Contains(root.GetProperty("color").GetString(), new[] { "red", "green", "blue" });
        Assert.True(root.GetProperty("count").TryGetInt64(out _), text);
        Assert.True(root.GetProperty("ok").ValueKind is JsonValueKind.True or JsonValueKind.False);
        Assert.True(root.GetProperty("tags").GetArrayLength() <= 2);
        Assert.All(root.GetProperty("tags").EnumerateArray(), t => Assert.Equal(JsonValueKind.String, t.ValueKind));
        Assert.All(root.EnumerateObject(), p => Assert.Contains(p.Name, new[] { "name", "color", "count", "ok", "tags", "note" }));
    }

    [Fact]
    public async Task JsonObject_OutputParses()
    {
        var parsed = 0;
        foreach (var seed in new long[] { 2, 3, 6, 7 })
        {
            var request = Chat("json please", seed, maxTokens: 120);
            request.ResponseFormat = new ResponseFormat { Type = "json_object" };
            var chunks = await Collect(fixture.Generator.StreamChatAsync(request, CancellationToken.None));
            if (Finish(chunks) == "stop")
            {
                using var doc = JsonDocument.Parse(Text(chunks));
                Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
                parsed++;
            }
            else
            {
                Assert.StartsWith("{", Text(chunks), StringComparison.Ordinal);
            }
        }

        Assert.True(parsed >= 2, $"only {parsed} of 4 seeds finished their object");
    }
}
