using Modelplane.Abstractions;
using Modelplane.Runtimes.Llama.Grammars;
using static Modelplane.Runtimes.Llama.Tests.TinyModelFixture;

namespace Modelplane.Runtimes.Llama.Tests;

public sealed class JsonSchemaGbnfTests
{
    private static string Rules(string schema) => JsonSchemaGbnf.Convert(Json(schema)).Replace(JsonGbnf.Primitives, "", StringComparison.Ordinal);

    [Fact]
    public void Object_RequiredAndOptional_InSchemaOrder()
    {
        var g = Rules("""{"type":"object","properties":{"name":{"type":"string"},"age":{"type":"integer"}},"required":["name"],"additionalProperties":false}""");
        Assert.Equal("""
            root ::= r6
            r1 ::= jstring
            r2 ::= jinteger
            r3 ::= ( "," ws "\"age\"" ws ":" ws r2 )?
            r4 ::= ( "\"age\"" ws ":" ws r2 )?
            r5 ::= "\"name\"" ws ":" ws r1 r3
            r6 ::= "{" ws r5 "}" ws

            """.Replace("\r", "", StringComparison.Ordinal), g);
    }

    [Fact]
    public void Enum_Const_Scalars()
    {
        Assert.Equal("root ::= r1\nr1 ::= (\"\\\"red\\\"\" | \"1\" | \"null\") ws\n", Rules("""{"enum":["red",1,null]}"""));
        Assert.Equal("root ::= r1\nr1 ::= (\"true\") ws\n", Rules("""{"const":true}"""));
        Assert.Equal("root ::= r1\nr1 ::= jnumber | jnull\n", Rules("""{"type":["number","null"]}"""));
        Assert.Equal("root ::= r1\nr1 ::= jboolean\n", Rules("""{"type":"boolean","description":"ignored"}"""));
    }

    [Fact]
    public void Array_Items_AndBounds()
    {
        Assert.Equal("root ::= r2\nr1 ::= jinteger\nr2 ::= \"[\" ws ( r1 ( \",\" ws r1 )* )? \"]\" ws\n", Rules("""{"type":"array","items":{"type":"integer"}}"""));
        Assert.Equal("root ::= r2\nr1 ::= jstring\nr2 ::= \"[\" ws r1 ( \",\" ws r1 ){0,2} \"]\" ws\n", Rules("""{"type":"array","items":{"type":"string"},"minItems":1,"maxItems":3}"""));
        Assert.Equal("root ::= r1\nr1 ::= \"\\\"\" jchar{2,5} \"\\\"\" ws\n", Rules("""{"type":"string","minLength":2,"maxLength":5}"""));
    }

    [Fact]
    public void Nested_PropertyNamesAreEscaped()
    {
        var g = Rules("""{"properties":{"a\"b":{"type":"object","properties":{"x":{"type":"null"}},"required":["x"]}},"required":["a\"b"]}""");
        Assert.Contains("\"\\\"a\\\\\\\"b\\\"\" ws \":\" ws", g, StringComparison.Ordinal);
        Assert.Contains("\"\\\"x\\\"\" ws \":\" ws r1", g, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonObject_UsesGenericObject() => Assert.StartsWith("root ::= jobject\n", JsonGbnf.JsonObject, StringComparison.Ordinal);

    [Theory]
    [InlineData("""{"type":"object","properties":{"age":{"type":"integer","minimum":0}}}""", "response_format.json_schema.schema.properties.age.minimum is not supported")]
    [InlineData("""{"type":"string","pattern":"a+"}""", "response_format.json_schema.schema.pattern is not supported")]
    [InlineData("""{"anyOf":[{"type":"string"}]}""", "response_format.json_schema.schema.anyOf is not supported")]
    [InlineData("""{"type":"array","items":{"$ref":"#/x"}}""", "response_format.json_schema.schema.items.$ref is not supported")]
    [InlineData("""{"type":"date"}""", "response_format.json_schema.schema.type 'date' is not supported")]
    [InlineData("""{"properties":{"a":{}},"required":["b"]}""", "required names 'b'")]
    [InlineData("""{"type":"object","additionalProperties":{"type":"string"}}""", "additionalProperties is supported only as true or false")]
    [InlineData("""{"enum":[]}""", "enum must be a non-empty array")]
    [InlineData("""{"type":"string","maxLength":5000}""", "maxLength must be an integer from 0 to 1024")]
    [InlineData("\"string\"", "must be a JSON Schema object")]
    public void Unsupported_Is400NamingThePath(string schema, string fragment)
    {
        var e = Assert.Throws<ModelplaneException>(() => JsonSchemaGbnf.Convert(Json(schema)));
        Assert.Equal(400, e.StatusCode);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Literal_EscapesControlAndQuotes() => Assert.Equal("\"a\\\"b\\\\c\\n\\x01é\"", JsonGbnf.Literal("a\"b\\c\n\u0001é"));
}
