namespace Modelplane.Providers.Translation;

/// <summary>
/// Base64 <c>data:</c> URLs (RFC 2397, https://www.rfc-editor.org/rfc/rfc2397): <c>data:&lt;media type&gt;;base64,&lt;data&gt;</c>,
/// the form OpenAI clients send images inline in <c>image_url.url</c>.
/// </summary>
internal static class DataUrl
{
    private const string Scheme = "data:";
    private const string Base64Suffix = ";base64";

    /// <summary>True when <paramref name="url"/> starts with <c>data:</c> (scheme compared case-insensitively).</summary>
    public static bool IsDataUrl(string? url) => url is not null && url.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Splits a base64 <c>data:</c> URL into its media type (as written, e.g. <c>image/png</c>; may be empty) and its
    /// base64 payload (not decoded or checked). False when <paramref name="url"/> is not <c>data:…;base64,…</c>.
    /// </summary>
    public static bool TryParse(string? url, out string mediaType, out string data)
    {
        mediaType = "";
        data = "";
        if (!IsDataUrl(url))
        {
            return false;
        }

        var comma = url!.IndexOf(',', StringComparison.Ordinal);
        var header = comma > Scheme.Length ? url[Scheme.Length..comma] : "";
        if (comma < 0 || !header.EndsWith(Base64Suffix, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        mediaType = header[..^Base64Suffix.Length];
        data = url[(comma + 1)..];
        return true;
    }
}
