using System.Text;

namespace Modelplane.Runtimes.Llama.Grammars;

/// <summary>
/// GBNF (llama.cpp grammars/README.md) for JSON (RFC 8259), written by us and only by us: llama.cpp crashes the process
/// on a grammar it cannot parse, so no client text ever becomes grammar syntax except through
/// <see cref="Literal"/>. Whitespace between tokens is limited to one space, or a newline and up to 8 spaces/tabs;
/// numbers to 16 integer digits, 15 fraction digits and 3 exponent digits.
/// </summary>
public static class JsonGbnf
{
    /// <summary>The rules every JSON grammar here shares: <c>ws</c>, <c>jstring</c>, <c>jchar</c>, <c>jnumber</c>,
    /// <c>jinteger</c>, <c>jboolean</c>, <c>jnull</c>, <c>jvalue</c>, <c>jobject</c>, <c>jarray</c>.</summary>
    public const string Primitives = """
        ws ::= | " " | "\n" [ \t]{0,8}
        jchar ::= [^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F]{4})
        jstring ::= "\"" jchar* "\"" ws
        jnumber ::= "-"? ([0-9] | [1-9] [0-9]{0,15}) ("." [0-9]{1,15})? ([eE] [-+]? [0-9]{1,3})? ws
        jinteger ::= "-"? ([0-9] | [1-9] [0-9]{0,15}) ws
        jboolean ::= ("true" | "false") ws
        jnull ::= "null" ws
        jvalue ::= jobject | jarray | jstring | jnumber | jboolean | jnull
        jobject ::= "{" ws ( jstring ":" ws jvalue ( "," ws jstring ":" ws jvalue )* )? "}" ws
        jarray ::= "[" ws ( jvalue ( "," ws jvalue )* )? "]" ws

        """;

    /// <summary>Any JSON object (<c>response_format: {"type": "json_object"}</c>).</summary>
    public static string JsonObject { get; } = "root ::= jobject\n" + Primitives;

    /// <summary>A GBNF string literal matching <paramref name="text"/> exactly: <c>\</c>, <c>"</c> and control
    /// characters escaped (<c>\n</c>, <c>\r</c>, <c>\t</c>, <c>\xHH</c>), everything else as UTF-8.</summary>
    /// <param name="text">Any text.</param>
    public static string Literal(string text)
    {
        var sb = new StringBuilder("\"", text.Length + 2);
        foreach (var c in text)
        {
            _ = c switch
            {
                '\\' => sb.Append(@"\\"),
                '"' => sb.Append("\\\""),
                '\n' => sb.Append(@"\n"),
                '\r' => sb.Append(@"\r"),
                '\t' => sb.Append(@"\t"),
                < ' ' or '\x7F' => sb.Append(@"\x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture)),
                _ => sb.Append(c),
            };
        }

        return sb.Append('"').ToString();
    }
}
