using System.Security.Cryptography;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Modelplane.Core.Secrets;

/// <summary>
/// The node's 256-bit master key (DESIGN.md §6), which encrypts every secret with AES-256-GCM. Taken from the
/// environment variable (or configuration key) <c>MODELPLANE_MASTER_KEY</c>, base64 of exactly 32 bytes; otherwise
/// from <c>&lt;data-dir&gt;/master.key</c> (base64 text, mode 0600), created with <see cref="RandomNumberGenerator"/>
/// on first start. Whether it is the key the store was encrypted with is checked at start-up by
/// <see cref="SecretsInitializer"/>.
/// </summary>
public sealed class MasterKey
{
    /// <summary>The environment variable / configuration key holding the base64 key.</summary>
    public const string EnvironmentVariable = "MODELPLANE_MASTER_KEY";

    /// <summary>The key file's name inside the data dir.</summary>
    public const string FileName = "master.key";

    /// <summary>Key length in bytes (AES-256).</summary>
    public const int KeyBytes = 32;

    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[] key;

    /// <summary>Loads the key from configuration or the key file, creating the file if neither exists.</summary>
    /// <exception cref="InvalidOperationException">The variable or the file does not hold base64 of 32 bytes.</exception>
    public MasterKey(IConfiguration configuration, IOptions<ModelplaneOptions> options)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(options);
        var fromConfig = configuration[EnvironmentVariable];
        if (!string.IsNullOrWhiteSpace(fromConfig))
        {
            key = Decode(fromConfig, $"{EnvironmentVariable} must be base64 of exactly {KeyBytes} bytes (e.g. `openssl rand -base64 32`).");
            Source = $"the {EnvironmentVariable} environment variable";
            return;
        }

        var dir = options.Value.DataDirFullPath;
        var path = Path.Combine(dir, FileName);
        Source = $"the key file {path}";
        key = File.Exists(path) ? Decode(File.ReadAllText(path), $"{path} must hold base64 of exactly {KeyBytes} bytes; restore it, or set {EnvironmentVariable}.") : Create(dir, path);
    }

    /// <summary>Creates a master key from raw bytes (tests, tools).</summary>
    /// <param name="key">Exactly 32 bytes; copied.</param>
    /// <param name="source">Where it came from, for error messages.</param>
    public MasterKey(ReadOnlySpan<byte> key, string source)
    {
        if (key.Length != KeyBytes)
        {
            throw new ArgumentException($"A master key is {KeyBytes} bytes.", nameof(key));
        }

        this.key = key.ToArray();
        Source = source;
    }

    /// <summary>Where the key came from, in words (never the key itself).</summary>
    public string Source { get; }

    /// <summary>Encrypts with a fresh random nonce.</summary>
    /// <param name="plaintext">The value.</param>
    /// <param name="associatedData">Bound to the ciphertext; the same bytes are needed to decrypt.</param>
    public EncryptedValue Encrypt(ReadOnlySpan<byte> plaintext, ReadOnlySpan<byte> associatedData)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var ciphertext = new byte[plaintext.Length];
        var tag = new byte[TagBytes];
        using var aes = new AesGcm(key, TagBytes);
        aes.Encrypt(nonce, plaintext, ciphertext, tag, associatedData);
        return new EncryptedValue(nonce, ciphertext, tag);
    }

    /// <summary>Decrypts and authenticates.</summary>
    /// <exception cref="AuthenticationTagMismatchException">Another key, other associated data, or tampered bytes.</exception>
    public byte[] Decrypt(EncryptedValue value, ReadOnlySpan<byte> associatedData)
    {
        ArgumentNullException.ThrowIfNull(value);
        var plaintext = new byte[value.Ciphertext.Length];
        using var aes = new AesGcm(key, TagBytes);
        aes.Decrypt(value.Nonce, value.Ciphertext, value.Tag, plaintext, associatedData);
        return plaintext;
    }

    private static byte[] Decode(string base64, string error)
    {
        var buffer = new byte[KeyBytes + 3];
        return Convert.TryFromBase64String(base64.Trim(), buffer, out var written) && written == KeyBytes
            ? buffer[..KeyBytes]
            : throw new InvalidOperationException(error);
    }

    private static byte[] Create(string dir, string path)
    {
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var bytes = RandomNumberGenerator.GetBytes(KeyBytes);
        var file = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var writer = new StreamWriter(path, file))
        {
            writer.Write(Convert.ToBase64String(bytes));
        }

        return bytes;
    }
}

/// <summary>An AES-256-GCM result: 12-byte nonce, ciphertext as long as the plaintext, 16-byte tag.</summary>
/// <param name="Nonce">The nonce.</param>
/// <param name="Ciphertext">The ciphertext.</param>
/// <param name="Tag">The authentication tag.</param>
public sealed record EncryptedValue(byte[] Nonce, byte[] Ciphertext, byte[] Tag);
