using System.Text;
using Modelplane.Abstractions;

namespace Modelplane.Core.Secrets;

/// <summary>
/// Seals a <c>*_plaintext</c> credential given in an endpoint config (databricks-serving.md §7.2) before the config is
/// stored: AES-256-GCM under the node's <see cref="MasterKey"/>, written as <c>sealed:v1:&lt;nonce&gt;.&lt;ciphertext&gt;.&lt;tag&gt;</c>
/// (base64). Only the node opens it, when it loads the entity; no API answer contains either form.
/// </summary>
public sealed class CredentialSeal(MasterKey masterKey)
{
    private const string Prefix = "sealed:v1:";
    private static readonly byte[] AssociatedData = Encoding.UTF8.GetBytes("modelplane/endpoint-credential");

    /// <summary>Whether <paramref name="value"/> is already sealed.</summary>
    public static bool IsSealed(string value) => value.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>Seals a clear value.</summary>
    public string Seal(string plaintext)
    {
        var e = masterKey.Encrypt(Encoding.UTF8.GetBytes(plaintext), AssociatedData);
        return $"{Prefix}{Convert.ToBase64String(e.Nonce)}.{Convert.ToBase64String(e.Ciphertext)}.{Convert.ToBase64String(e.Tag)}";
    }

    /// <summary>Opens a sealed value.</summary>
    /// <exception cref="ModelplaneException">500 when the value is damaged or was sealed under another master key.</exception>
    public string Open(string sealedValue)
    {
        var parts = IsSealed(sealedValue) ? sealedValue[Prefix.Length..].Split('.') : [];
        try
        {
            if (parts.Length != 3)
            {
                throw new FormatException("not a sealed value");
            }

            var clear = masterKey.Decrypt(new EncryptedValue(Convert.FromBase64String(parts[0]), Convert.FromBase64String(parts[1]), Convert.FromBase64String(parts[2])), AssociatedData);
            return Encoding.UTF8.GetString(clear);
        }
        catch (Exception ex) when (ex is FormatException or System.Security.Cryptography.CryptographicException)
        {
            throw new ModelplaneException(ErrorCode.InternalError, "A stored endpoint credential cannot be opened with this node's master key.", 500, ex);
        }
    }
}
