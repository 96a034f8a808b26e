using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Modelplane.Core.Images;

/// <summary>
/// The runtime id and <c>runtime.json</c> (contracts: runtime store). The id is the lower-case hex SHA-256 of the UTF-8
/// text made of one line <c>"&lt;relative path with /&gt;\t&lt;sha256 hex&gt;\n"</c> per file of the worker build,
/// sorted ordinally by path, <c>runtime.json</c> excluded. <c>runtime.json</c> is
/// <c>{"schema":1,"id","protocol_versions":[…],"dotnet","framework_dependent","files":[{"path","sha256","size"}],"installed_at"}</c>.
/// </summary>
internal static class RuntimeManifest
{
    /// <summary>The manifest's file name, at the top of a runtime folder.</summary>
    public const string FileName = "runtime.json";

    private const string RuntimeConfigName = "Modelplane.Worker.runtimeconfig.json";

    /// <summary>Computes a runtime id from the build's files.</summary>
    public static string ComputeId(IEnumerable<ContentFile> files)
    {
        var text = new StringBuilder();
        foreach (var file in files.OrderBy(f => f.Path, StringComparer.Ordinal))
        {
            text.Append(file.Path).Append('\t').Append(file.Sha256).Append('\n');
        }

        return ContentFiles.Sha256(Encoding.UTF8.GetBytes(text.ToString()));
    }

    /// <summary>Reads the .NET framework version and whether the build is framework-dependent from its runtimeconfig.</summary>
    /// <returns>(null, false) when the build has no readable runtimeconfig.</returns>
    public static (string? Version, bool FrameworkDependent) ReadFramework(string buildDirectory)
    {
        var path = Path.Combine(buildDirectory, RuntimeConfigName);
        if (!File.Exists(path))
        {
            return (null, false);
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            if (!doc.RootElement.TryGetProperty("runtimeOptions", out var options))
            {
                return (null, false);
            }

            var dependent = Frameworks(options, "framework", "frameworks").ToList();
            var list = dependent.Count > 0 ? dependent : [.. Frameworks(options, "includedFrameworks")];
            var chosen = list.FirstOrDefault(f => f.Name == "Microsoft.NETCore.App") ?? list.FirstOrDefault();
            return (chosen?.Version, dependent.Count > 0);
        }
        catch (JsonException)
        {
            return (null, false);
        }
    }

    /// <summary>Writes <c>runtime.json</c> (indented, keys in contract order).</summary>
    public static void Write(string path, string id, IReadOnlyList<int> protocolVersions, string? dotnet, bool frameworkDependent, IEnumerable<ContentFile> files, DateTimeOffset installedAt)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteNumber("schema", 1);
            json.WriteString("id", id);
            json.WriteStartArray("protocol_versions");
            foreach (var v in protocolVersions)
            {
                json.WriteNumberValue(v);
            }

            json.WriteEndArray();
            json.WriteString("dotnet", dotnet);
            json.WriteBoolean("framework_dependent", frameworkDependent);
            ImageManifest.WriteFiles(json, files);
            json.WriteString("installed_at", installedAt.ToString("O", CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }

        File.WriteAllBytes(path, buffer.WrittenSpan.ToArray());
    }

    /// <summary>Reads an installed runtime's <c>runtime.json</c>; null when absent or unreadable.</summary>
    public static RuntimeInfo? Read(string runtimeDirectory)
    {
        var path = Path.Combine(runtimeDirectory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
            var root = doc.RootElement;
            var versions = root.TryGetProperty("protocol_versions", out var p) && p.ValueKind == JsonValueKind.Array
                ? p.EnumerateArray().Select(v => v.GetInt32()).ToArray()
                : [];
            var dotnet = root.TryGetProperty("dotnet", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
            return new RuntimeInfo(root.GetProperty("id").GetString()!, runtimeDirectory, dotnet, versions);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static IEnumerable<Framework> Frameworks(JsonElement options, params string[] keys)
    {
        foreach (var key in keys)
        {
            if (!options.TryGetProperty(key, out var value))
            {
                continue;
            }

            var items = value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().ToList() : [value];
            foreach (var item in items.Where(i => i.ValueKind == JsonValueKind.Object))
            {
                yield return new Framework(Str(item, "name"), Str(item, "version"));
            }
        }
    }

    private static string? Str(JsonElement e, string key) =>
        e.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private sealed record Framework(string? Name, string? Version);
}
