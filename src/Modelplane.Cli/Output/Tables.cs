using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Modelplane.Cli.Output;

/// <summary>Building blocks of the table renderings: plain borders, escaped cells, readable times and sizes.</summary>
internal static class Tables
{
    /// <summary>A table with the given column headers.</summary>
    public static Table Create(params string[] headers)
    {
        var table = new Table().Border(TableBorder.Simple);
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(Markup.Escape(header)));
        }

        return table;
    }

    /// <summary>A cell showing text as is (markup escaped); null shows as empty.</summary>
    public static IRenderable Cell(string? text) => new Text(text ?? "");

    /// <summary>Two columns, key and value, skipping null values.</summary>
    public static IRenderable KeyValues(params (string Key, string? Value)[] rows)
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn();
        foreach (var (key, value) in rows.Where(r => !string.IsNullOrEmpty(r.Value)))
        {
            grid.AddRow(new Text(key), new Text(value!));
        }

        return grid;
    }

    /// <summary>Unix milliseconds as UTC <c>yyyy-MM-dd HH:mm:ss</c>.</summary>
    public static string? Time(long? unixMs) =>
        unixMs is { } ms and > 0
            ? DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : null;

    /// <summary>A byte count in B, KB, MB or GB (powers of 1024).</summary>
    public static string? Bytes(long? bytes)
    {
        if (bytes is not { } b)
        {
            return null;
        }

        string[] units = ["B", "KB", "MB", "GB", "TB"];
        var value = (double)b;
        var unit = 0;
        while (value >= 1024 && unit < units.Length - 1)
        {
            value /= 1024;
            unit++;
        }

        return unit == 0 ? $"{b} B" : $"{value:0.#} {units[unit]}";
    }
}
