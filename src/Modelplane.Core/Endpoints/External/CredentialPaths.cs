using System.Text.Json.Nodes;

namespace Modelplane.Core.Endpoints.External;

/// <summary>Reads and writes dotted paths (<c>api_key_auth.value</c>) in a provider's config block.</summary>
internal static class CredentialPaths
{
    /// <summary>The parent object of a path's last segment and that segment, or null when a parent is missing.</summary>
    public static (JsonObject Parent, string Leaf)? Locate(JsonObject root, string path)
    {
        var segments = path.Split('.');
        var node = root;
        foreach (var segment in segments[..^1])
        {
            if (node[segment] is not JsonObject child)
            {
                return null;
            }

            node = child;
        }

        return (node, segments[^1]);
    }

    /// <summary>The string at a path, or null.</summary>
    public static string? GetString(JsonObject root, string path) =>
        Locate(root, path) is { } at && at.Parent[at.Leaf] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;

    /// <summary>Every <c>*_plaintext</c> member removed, at any depth: the form a config is shown in.</summary>
    public static JsonObject WithoutPlaintext(JsonObject config)
    {
        var copy = (JsonObject)config.DeepClone();
        Strip(copy);
        return copy;
    }

    private static void Strip(JsonObject node)
    {
        foreach (var key in node.Select(p => p.Key).ToList())
        {
            if (key.EndsWith("_plaintext", StringComparison.Ordinal))
            {
                node.Remove(key);
            }
            else if (node[key] is JsonObject child)
            {
                Strip(child);
            }
        }
    }
}
