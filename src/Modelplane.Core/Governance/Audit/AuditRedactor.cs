using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Modelplane.Core.Governance.Audit;

/// <summary>
/// Turns a control-plane request body into the audit entry's <c>details</c> JSON, with credentials removed:
/// <c>{"body": &lt;the JSON body, credential fields replaced by "[REDACTED]" at any depth&gt;}</c>, or, for a body
/// that is not JSON or is larger than <see cref="MaxBodyBytes"/>, only a note <c>{"body_note": "..."}</c> with its
/// size and content type. An empty body gives null.
/// </summary>
/// <remarks>
/// A property is a credential field (its value is replaced whatever its type, object and array included) when its name,
/// lower-cased and split into words at <c>_</c>, <c>-</c>, <c>.</c> and camelCase humps:
/// <list type="bullet">
/// <item>contains <c>secret</c>, <c>password</c>, <c>passwd</c>, <c>passphrase</c>, <c>credential</c>,
/// <c>authorization</c>, <c>apikey</c> or <c>privatekey</c> anywhere (<c>client_secret</c>,
/// <c>aws_secret_access_key</c>, <c>openai_api_key_plaintext</c>);</item>
/// <item>has the word <c>token</c> (<c>token_value</c>, <c>access_token</c>; not the counts <c>tokens</c> and
/// <c>max_tokens</c>, and not <c>token_id</c>, which names a token without being one);</item>
/// <item>has the word <c>key</c> among two or more words (<c>private_key</c>, <c>openai_api_key</c>,
/// <c>access_key_id</c>); <c>key</c> alone is a name (a secret's key, a rate limit's key) and is kept;</item>
/// <item>is <c>string_value</c> or <c>bytes_value</c> (a secret's value, Databricks Secrets API).</item>
/// </list>
/// </remarks>
public static class AuditRedactor
{
    /// <summary>Largest body stored, in bytes (64 KiB); larger bodies are recorded as a size note.</summary>
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>What replaces a credential field's value.</summary>
    public const string Redacted = "[REDACTED]";

    private static readonly string[] CredentialFragments = ["secret", "password", "passwd", "passphrase", "credential", "authorization", "apikey", "privatekey"];
    private static readonly HashSet<string> CredentialNames = new(StringComparer.Ordinal) { "stringvalue", "bytesvalue" };
    private static readonly HashSet<string> KeptNames = new(StringComparer.Ordinal) { "tokenid" };

    /// <summary>The details JSON for a body that was read (at most <see cref="MaxBodyBytes"/> + 1 bytes of it).</summary>
    /// <param name="body">The body's first bytes.</param>
    /// <param name="complete">False when the body went on beyond <paramref name="body"/>.</param>
    /// <param name="contentType">The request's <c>Content-Type</c>, for the note.</param>
    /// <returns>The details JSON, or null for an empty body.</returns>
    public static string? Details(ReadOnlySpan<byte> body, bool complete, string? contentType)
    {
        if (body.Length == 0 && complete)
        {
            return null;
        }

        if (!complete || body.Length > MaxBodyBytes)
        {
            return Note(TooLarge, null, contentType);
        }

        try
        {
            return new JsonObject { ["body"] = Redact(JsonNode.Parse(body)) }.ToJsonString();
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            // Not JSON, or JSON with a repeated property name (which no route accepts either).
            return Note("non-JSON body", body.Length, contentType);
        }
    }

    /// <summary>What a note says of a body over <see cref="MaxBodyBytes"/>.</summary>
    public const string TooLarge = "body larger than 64 KB";

    /// <summary>
    /// The details JSON for a body that was not stored: <c>{"body_note": "&lt;what&gt; (&lt;n&gt; bytes,
    /// &lt;content type&gt;) not stored"}</c>, size and type where known.
    /// </summary>
    public static string Note(string what, long? bytes, string? contentType)
    {
        var facts = string.Join(", ", new[] { bytes is { } n ? $"{n} bytes" : null, string.IsNullOrEmpty(contentType) ? null : contentType }.OfType<string>());
        return new JsonObject { ["body_note"] = $"{what}{(facts.Length > 0 ? $" ({facts})" : "")} not stored" }.ToJsonString();
    }

    /// <summary>A copy of <paramref name="node"/> with every credential field's value replaced, at any depth.</summary>
    public static JsonNode? Redact(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (name, value) in obj)
                {
                    copy[name] = IsCredential(name) ? Redacted : Redact(value);
                }

                return copy;
            case JsonArray array:
                return new JsonArray([.. array.Select(Redact)]);
            default:
                return node?.DeepClone();
        }
    }

    /// <summary>Whether a property of this name holds a credential (see the remarks on <see cref="AuditRedactor"/>).</summary>
    public static bool IsCredential(string name)
    {
        var words = Words(name);
        var joined = string.Concat(words);
        if (KeptNames.Contains(joined))
        {
            return false;
        }

        return CredentialNames.Contains(joined)
            || CredentialFragments.Any(f => joined.Contains(f, StringComparison.Ordinal))
            || words.Contains("token")
            || (words.Count > 1 && words.Contains("key"));
    }

    private static List<string> Words(string name)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var hump = char.IsUpper(c) && i > 0 && char.IsLower(name[i - 1]);
            if (c is '_' or '-' or '.' or ' ' || hump)
            {
                Flush();
            }

            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLowerInvariant(c));
            }
        }

        Flush();
        return words;

        void Flush()
        {
            if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
    }

}
