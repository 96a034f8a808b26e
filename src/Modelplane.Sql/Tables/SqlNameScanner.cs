namespace Modelplane.Sql.Tables;

/// <summary>
/// A three-part name found in a statement, and where its catalog part is written (so it can be rewritten).
/// </summary>
/// <param name="Name">The name, each part lower-cased (DuckDB resolves names case-insensitively, quoted or not).</param>
/// <param name="CatalogStart">Offset of the catalog part in the statement (its opening quote, when quoted).</param>
/// <param name="CatalogLength">Length of the catalog part as written (quotes included).</param>
public sealed record SqlNameReference(SqlTableName Name, int CatalogStart, int CatalogLength);

/// <summary>
/// Finds the three-part names (<c>catalog.schema.table</c>) a statement uses, reading it as DuckDB's tokenizer does:
/// string literals (<c>'…'</c> with <c>''</c>, <c>E'…'</c> with backslash escapes, <c>$tag$…$tag$</c>) and comments
/// (<c>-- …</c>, nested <c>/* … */</c>) are skipped; identifiers are bare (<c>[A-Za-z_][A-Za-z0-9_$]*</c>, any letter)
/// or double-quoted (<c>""</c> escapes a quote); whitespace may surround the dots. A longer dotted chain
/// (<c>system.serving.endpoint_usage.status_code</c>) yields its first three parts; a chain followed by <c>(</c> is a
/// function call and yields nothing. Names that are not tables (a <c>schema.table.column</c> reference) are found too:
/// the table source answers null for those.
/// </summary>
public static class SqlNameScanner
{
    /// <summary>Every three-part name in <paramref name="statement"/>, in order of appearance (repeats included).</summary>
    /// <param name="statement">SQL text.</param>
    public static IReadOnlyList<SqlNameReference> Find(string statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var tokens = Tokenize(statement);
        var found = new List<SqlNameReference>();
        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Kind != TokenKind.Identifier || (i > 0 && tokens[i - 1].Kind == TokenKind.Dot))
            {
                continue;
            }

            var parts = new List<Token> { tokens[i] };
            var j = i + 1;
            while (j + 1 < tokens.Count && tokens[j].Kind == TokenKind.Dot && tokens[j + 1].Kind == TokenKind.Identifier)
            {
                parts.Add(tokens[j + 1]);
                j += 2;
            }

            var call = j < tokens.Count && tokens[j].Kind == TokenKind.Other && statement[tokens[j].Start] == '(';
            if (parts.Count >= 3 && !call)
            {
                found.Add(new SqlNameReference(new SqlTableName(parts[0].Value, parts[1].Value, parts[2].Value), parts[0].Start, parts[0].Length));
            }

            i = j - 1;
        }

        return found;
    }

    private enum TokenKind
    {
        Identifier,
        Dot,
        Other,
    }

    private readonly record struct Token(TokenKind Kind, int Start, int Length, string Value);

    private static List<Token> Tokenize(string sql)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < sql.Length)
        {
            var c = sql[i];
            var next = i + 1 < sql.Length ? sql[i + 1] : '\0';
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '-' && next == '-')
            {
                i = sql.IndexOf('\n', i) is var end and >= 0 ? end + 1 : sql.Length;
            }
            else if (c == '/' && next == '*')
            {
                i = SkipBlockComment(sql, i);
            }
            else if (c == '\'')
            {
                i = SkipString(sql, i, backslashEscapes: false);
            }
            else if ((c is 'e' or 'E') && next == '\'' && !PartOfWord(sql, i))
            {
                i = SkipString(sql, i + 1, backslashEscapes: true);
            }
            else if (c == '$' && DollarTag(sql, i) is { } tag)
            {
                var close = sql.IndexOf(tag, i + tag.Length, StringComparison.Ordinal);
                i = close < 0 ? sql.Length : close + tag.Length;
            }
            else if (c == '"')
            {
                var (end, value) = QuotedIdentifier(sql, i);
                tokens.Add(new Token(TokenKind.Identifier, i, end - i, value.ToLowerInvariant()));
                i = end;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] is '_' or '$'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Identifier, start, i - start, sql[start..i].ToLowerInvariant()));
            }
            else if (char.IsDigit(c))
            {
                var start = i;
                while (i < sql.Length && (char.IsLetterOrDigit(sql[i]) || sql[i] is '.' or '_'))
                {
                    i++; // A number (1.5, 1e3): its dots are no name separators.
                }

                tokens.Add(new Token(TokenKind.Other, start, i - start, ""));
            }
            else
            {
                tokens.Add(new Token(c == '.' ? TokenKind.Dot : TokenKind.Other, i, 1, ""));
                i++;
            }
        }

        return tokens;
    }

    private static bool PartOfWord(string sql, int i) => i > 0 && (char.IsLetterOrDigit(sql[i - 1]) || sql[i - 1] is '_' or '$' or '"');

    private static int SkipBlockComment(string sql, int i)
    {
        var depth = 0;
        while (i < sql.Length)
        {
            if (sql[i] == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                depth++;
                i += 2;
            }
            else if (sql[i] == '*' && i + 1 < sql.Length && sql[i + 1] == '/')
            {
                i += 2;
                if (--depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }

        return sql.Length;
    }

    /// <summary>The offset after the literal opening at <paramref name="i"/>.</summary>
    private static int SkipString(string sql, int i, bool backslashEscapes)
    {
        i++;
        while (i < sql.Length)
        {
            if (backslashEscapes && sql[i] == '\\')
            {
                i += 2;
            }
            else if (sql[i] == '\'')
            {
                if (i + 1 < sql.Length && sql[i + 1] == '\'')
                {
                    i += 2;
                }
                else
                {
                    return i + 1;
                }
            }
            else
            {
                i++;
            }
        }

        return sql.Length;
    }

    /// <summary><c>$$</c> or <c>$tag$</c> opening a dollar-quoted string at <paramref name="i"/>; null for a parameter (<c>$1</c>).</summary>
    private static string? DollarTag(string sql, int i)
    {
        var j = i + 1;
        while (j < sql.Length && (char.IsLetter(sql[j]) || sql[j] == '_' || (j > i + 1 && char.IsDigit(sql[j]))))
        {
            j++;
        }

        return j < sql.Length && sql[j] == '$' && !PartOfWord(sql, i) ? sql[i..(j + 1)] : null;
    }

    private static (int End, string Value) QuotedIdentifier(string sql, int i)
    {
        var value = new System.Text.StringBuilder();
        i++;
        while (i < sql.Length)
        {
            if (sql[i] == '"')
            {
                if (i + 1 < sql.Length && sql[i + 1] == '"')
                {
                    value.Append('"');
                    i += 2;
                    continue;
                }

                return (i + 1, value.ToString());
            }

            value.Append(sql[i++]);
        }

        return (sql.Length, value.ToString());
    }
}
