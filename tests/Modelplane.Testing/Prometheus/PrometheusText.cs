using System.Globalization;
using System.Text;

namespace Modelplane.Testing.Prometheus;

/// <summary>
/// A strict parser of the Prometheus text exposition format 0.0.4 (prometheus/docs exposition_formats.md), for tests
/// that must prove an output is valid rather than merely readable. Syntax: lines end with <c>\n</c> (the last too);
/// metric names <c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>; label names <c>[a-zA-Z_][a-zA-Z0-9_]*</c>, not <c>__</c>-prefixed,
/// unique in a sample; label values with only the escapes <c>\\</c>, <c>\"</c>, <c>\n</c>; HELP text with only
/// <c>\\</c> and <c>\n</c>; values as Go floats (<c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>); optional integer timestamps.
/// Structure: at most one HELP and one TYPE per family, both before its first sample; a family's samples contiguous;
/// no series twice. Semantics: counters non-negative; histograms with <c>le</c> on buckets only, a <c>+Inf</c> bucket
/// equal to <c>_count</c>, bucket counts non-decreasing as <c>le</c> grows, and <c>_sum</c>; summaries with
/// <c>quantile</c> in [0, 1], <c>_sum</c> and <c>_count</c>.
/// </summary>
public static class PrometheusText
{
    private static readonly HashSet<string> Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    /// <summary>Parses and validates <paramref name="text"/>.</summary>
    /// <exception cref="PrometheusFormatException">The first rule broken, with its line.</exception>
    public static PrometheusDocument Parse(string text)
    {
        if (text.Length > 0 && text[^1] != '\n')
        {
            throw new PrometheusFormatException(0, "the last line must end with a line feed");
        }

        var state = new ParseState();
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length - 1; i++)
        {
            var line = lines[i].Trim(' ', '\t');
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '#')
            {
                Comment(state, line, i + 1);
            }
            else
            {
                state.Add(SampleLine.Parse(line, i + 1), i + 1);
            }
        }

        foreach (var family in state.Families)
        {
            PrometheusSemantics.Check(family, state.LineOf);
        }

        return new PrometheusDocument(state.Families);
    }

    private static void Comment(ParseState state, string line, int number)
    {
        var cursor = new Cursor(line, number, 1);
        if (!cursor.SkipBlanks())
        {
            return;
        }

        var keyword = cursor.Word();
        if (keyword is not ("HELP" or "TYPE"))
        {
            return;
        }

        if (!cursor.SkipBlanks())
        {
            throw cursor.Error($"{keyword} needs a metric name");
        }

        var name = cursor.MetricName();
        var family = state.Declare(name, number);
        if (keyword == "HELP")
        {
            if (family.Help is not null)
            {
                throw cursor.Error($"second HELP for {name}");
            }

            if (!cursor.AtEnd && !cursor.SkipBlanks())
            {
                throw cursor.Error("a blank must follow the metric name");
            }

            family.Help = cursor.HelpText();
            return;
        }

        if (family.TypeDeclared)
        {
            throw cursor.Error($"second TYPE for {name}");
        }

        if (!cursor.SkipBlanks())
        {
            throw cursor.Error($"TYPE {name} needs a type");
        }

        var type = cursor.Word();
        cursor.SkipBlanks();
        if (!Types.Contains(type) || !cursor.AtEnd)
        {
            throw cursor.Error($"unknown type '{cursor.Rest(type)}' for {name}");
        }

        family.Type = type;
        family.TypeDeclared = true;
    }

    /// <summary>Families by name, the open one, the closed ones, and seen series.</summary>
    private sealed class ParseState
    {
        private readonly Dictionary<string, PrometheusFamily> byName = new(StringComparer.Ordinal);
        private readonly HashSet<string> closed = new(StringComparer.Ordinal);
        private readonly HashSet<string> series = new(StringComparer.Ordinal);
        private readonly Dictionary<PrometheusSample, int> lines = new(ReferenceEqualityComparer.Instance);
        private PrometheusFamily? open;

        public List<PrometheusFamily> Families { get; } = [];

        public int LineOf(PrometheusSample sample) => lines[sample];

        /// <summary>The family a HELP or TYPE line names; refused once its samples began.</summary>
        public PrometheusFamily Declare(string name, int line)
        {
            var family = Get(name);
            if (family.Samples.Count > 0 || closed.Contains(name))
            {
                throw new PrometheusFormatException(line, $"HELP and TYPE of {name} must come before its samples");
            }

            Open(family);
            return family;
        }

        public void Add(PrometheusSample sample, int line)
        {
            var family = FamilyOf(sample.Name);
            if (closed.Contains(family.Name))
            {
                throw new PrometheusFormatException(line, $"samples of {family.Name} are not contiguous");
            }

            if (!series.Add(sample.Name + "{" + sample.LabelKey() + "}"))
            {
                throw new PrometheusFormatException(line, $"series {sample.Name}{{{sample.LabelKey()}}} appears twice");
            }

            Open(family);
            family.Samples.Add(sample);
            lines[sample] = line;
        }

        /// <summary>A histogram's or summary's <c>_bucket</c>/<c>_sum</c>/<c>_count</c> belong to it; other names are their own family.</summary>
        private PrometheusFamily FamilyOf(string sampleName)
        {
            foreach (var suffix in (string[])["_bucket", "_sum", "_count"])
            {
                if (sampleName.EndsWith(suffix, StringComparison.Ordinal)
                    && byName.TryGetValue(sampleName[..^suffix.Length], out var parent)
                    && (parent.Type == "histogram" || (parent.Type == "summary" && suffix != "_bucket")))
                {
                    return parent;
                }
            }

            return Get(sampleName);
        }

        private PrometheusFamily Get(string name)
        {
            if (!byName.TryGetValue(name, out var family))
            {
                family = new PrometheusFamily(name);
                byName[name] = family;
                Families.Add(family);
            }

            return family;
        }

        private void Open(PrometheusFamily family)
        {
            if (open is not null && open != family)
            {
                closed.Add(open.Name);
            }

            open = family;
        }
    }

    /// <summary>Reads one sample line: <c>name{labels} value [timestamp]</c>.</summary>
    private static class SampleLine
    {
        public static PrometheusSample Parse(string line, int number)
        {
            var cursor = new Cursor(line, number, 0);
            var name = cursor.MetricName();
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            var blank = cursor.SkipBlanks();
            if (cursor.Peek == '{')
            {
                ReadLabels(cursor, labels);
                blank = cursor.SkipBlanks();
            }

            if (!blank || cursor.AtEnd)
            {
                throw cursor.Error("a blank must separate the series from its value");
            }

            var value = ParseValue(cursor.Token(), cursor);
            long? timestamp = null;
            if (cursor.SkipBlanks() && !cursor.AtEnd)
            {
                var token = cursor.Token();
                timestamp = long.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var t) ? t
                    : throw cursor.Error($"timestamp '{token}' is not an integer");
                cursor.SkipBlanks();
            }

            if (!cursor.AtEnd)
            {
                throw cursor.Error($"unexpected text '{cursor.Rest("")}' after the value");
            }

            return new PrometheusSample(name, labels, value, timestamp);
        }

        private static void ReadLabels(Cursor cursor, Dictionary<string, string> labels)
        {
            cursor.Expect('{');
            while (true)
            {
                cursor.SkipBlanks();
                if (cursor.Peek == '}')
                {
                    cursor.Expect('}');
                    return;
                }

                var name = cursor.LabelName();
                cursor.SkipBlanks();
                cursor.Expect('=');
                cursor.SkipBlanks();
                var value = cursor.QuotedValue();
                if (!labels.TryAdd(name, value))
                {
                    throw cursor.Error($"label {name} appears twice");
                }

                cursor.SkipBlanks();
                if (cursor.Peek == ',')
                {
                    cursor.Expect(',');
                }
                else if (cursor.Peek != '}')
                {
                    throw cursor.Error("expected ',' or '}' after a label");
                }
            }
        }

        /// <summary>A Go float: decimal with optional exponent, <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>, <c>Inf</c>.</summary>
        internal static double ParseValue(string token, Cursor cursor) => token switch
        {
            "NaN" => double.NaN,
            "+Inf" or "Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            _ when IsDecimal(token) => double.Parse(token, NumberStyles.Float, CultureInfo.InvariantCulture),
            _ => throw cursor.Error($"value '{token}' is not a number"),
        };

        private static bool IsDecimal(string s)
        {
            var i = s.Length > 0 && s[0] is '+' or '-' ? 1 : 0;
            var digits = 0;
            for (; i < s.Length && char.IsAsciiDigit(s[i]); i++, digits++)
            {
            }

            if (i < s.Length && s[i] == '.')
            {
                for (i++; i < s.Length && char.IsAsciiDigit(s[i]); i++, digits++)
                {
                }
            }

            if (digits == 0)
            {
                return false;
            }

            if (i < s.Length && s[i] is 'e' or 'E')
            {
                i++;
                i += i < s.Length && s[i] is '+' or '-' ? 1 : 0;
                var exponent = i;
                for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
                {
                }

                if (i == exponent)
                {
                    return false;
                }
            }

            return i == s.Length;
        }
    }

    /// <summary>A position in one line, with the token readers of the format.</summary>
    internal sealed class Cursor(string line, int number, int start)
    {
        private int position = start;

        public bool AtEnd => position >= line.Length;

        public char Peek => AtEnd ? '\0' : line[position];

        public PrometheusFormatException Error(string message) => new(number, $"{message} (column {position + 1})");

        /// <summary>Skips blanks and tabs; true when at least one was skipped.</summary>
        public bool SkipBlanks()
        {
            var from = position;
            while (!AtEnd && line[position] is ' ' or '\t')
            {
                position++;
            }

            return position > from;
        }

        public void Expect(char c)
        {
            if (Peek != c)
            {
                throw Error($"expected '{c}'");
            }

            position++;
        }

        /// <summary>Characters up to the next blank.</summary>
        public string Token()
        {
            var from = position;
            while (!AtEnd && line[position] is not (' ' or '\t'))
            {
                position++;
            }

            return line[from..position];
        }

        public string Word() => Token();

        public string Rest(string before) => before + line[position..];

        public string MetricName()
        {
            var from = position;
            while (!AtEnd && (char.IsAsciiLetter(line[position]) || line[position] is '_' or ':' || (position > from && char.IsAsciiDigit(line[position]))))
            {
                position++;
            }

            return position > from ? line[from..position] : throw Error("expected a metric name");
        }

        public string LabelName()
        {
            var from = position;
            while (!AtEnd && (char.IsAsciiLetter(line[position]) || line[position] == '_' || (position > from && char.IsAsciiDigit(line[position]))))
            {
                position++;
            }

            var name = line[from..position];
            return name.Length == 0 ? throw Error("expected a label name")
                : name.StartsWith("__", StringComparison.Ordinal) ? throw Error($"label name {name} is reserved")
                : name;
        }

        /// <summary>A double-quoted label value with the escapes <c>\\</c>, <c>\"</c>, <c>\n</c>.</summary>
        public string QuotedValue()
        {
            Expect('"');
            var value = new StringBuilder();
            while (true)
            {
                if (AtEnd)
                {
                    throw Error("unterminated label value");
                }

                var c = line[position++];
                if (c == '"')
                {
                    return value.ToString();
                }

                value.Append(c == '\\' ? Escape(quoteAllowed: true) : c);
            }
        }

        /// <summary>The rest of a HELP line, unescaped (<c>\\</c>, <c>\n</c>).</summary>
        public string HelpText()
        {
            var value = new StringBuilder();
            while (!AtEnd)
            {
                var c = line[position++];
                value.Append(c == '\\' ? Escape(quoteAllowed: false) : c);
            }

            return value.ToString();
        }

        private char Escape(bool quoteAllowed)
        {
            var next = AtEnd ? '\0' : line[position++];
            return next switch
            {
                '\\' => '\\',
                'n' => '\n',
                '"' when quoteAllowed => '"',
                _ => throw Error($"invalid escape '\\{next}'"),
            };
        }
    }
}
