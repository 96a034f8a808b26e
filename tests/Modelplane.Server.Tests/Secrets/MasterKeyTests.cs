using System.Security.Cryptography;
using System.Text;
using Modelplane.Core.Secrets;

namespace Modelplane.Server.Tests.Secrets;

/// <summary>AES-256-GCM under the master key, and the secret reference syntax.</summary>
public sealed class MasterKeyTests
{
    private static readonly byte[] Aad = Encoding.UTF8.GetBytes("scope/key");

    [Fact]
    public void Encryption_round_trips_and_is_bound_to_key_and_associated_data()
    {
        var key = new MasterKey(RandomNumberGenerator.GetBytes(32), "test");
        var plaintext = Encoding.UTF8.GetBytes("sk-test-PLAINTEXT-1234567890");
        var a = key.Encrypt(plaintext, Aad);
        var b = key.Encrypt(plaintext, Aad);
        Assert.Equal(12, a.Nonce.Length);
        Assert.Equal(16, a.Tag.Length);
        Assert.NotEqual(a.Nonce, b.Nonce);
        Assert.NotEqual(plaintext, a.Ciphertext);
        Assert.Equal(plaintext, key.Decrypt(a, Aad));
        Assert.ThrowsAny<CryptographicException>(() => key.Decrypt(a, Encoding.UTF8.GetBytes("scope/other")));
        Assert.ThrowsAny<CryptographicException>(() => new MasterKey(RandomNumberGenerator.GetBytes(32), "other").Decrypt(a, Aad));
        var tampered = a with { Ciphertext = (byte[])a.Ciphertext.Clone() };
        tampered.Ciphertext[0] ^= 1;
        Assert.ThrowsAny<CryptographicException>(() => key.Decrypt(tampered, Aad));
    }

    [Theory]
    [InlineData("{{secrets/llm/openai}}", "llm", "openai")]
    [InlineData("{{ secrets/a.b-c_d/K.1 }}", "a.b-c_d", "K.1")]
    [InlineData("sk-plaintext", null, null)]
    [InlineData("{{secrets/llm}}", null, null)]
    [InlineData("{{secrets/llm/open ai}}", null, null)]
    [InlineData("x{{secrets/llm/openai}}", null, null)]
    public void References_parse_only_in_the_Databricks_form(string text, string? scope, string? key)
    {
        var ok = SecretReference.TryParse(text, out var reference);
        Assert.Equal(scope is not null, ok);
        Assert.Equal(scope, reference?.Scope);
        Assert.Equal(key, reference?.Key);
        if (reference is not null)
        {
            Assert.Equal($"{{{{secrets/{scope}/{key}}}}}", reference.ToString());
        }
    }
}
