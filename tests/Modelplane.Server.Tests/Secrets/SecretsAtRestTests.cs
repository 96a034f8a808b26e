using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Modelplane.Core.Secrets;
using Modelplane.Core.Storage;

namespace Modelplane.Server.Tests.Secrets;

/// <summary>
/// No credential in clear anywhere (issue 4, "Secrets" test): a known plaintext put through the API appears in no API
/// answer, no log line and no file under the data dir; and the master key is checked at start-up.
/// </summary>
public sealed class SecretsAtRestTests : IDisposable
{
    private const string Plaintext = "sk-test-PLAINTEXT-1234567890";
    private const string BytesPlaintext = "sk-test-BYTES-PLAINTEXT-0987654321";
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "modelplane-test-" + Guid.NewGuid().ToString("N"));

    /// <inheritdoc />
    public void Dispose() => Directory.Delete(dataDir, recursive: true);

    [Fact]
    public async Task A_put_plaintext_is_in_no_answer_no_log_and_no_file()
    {
        var answers = new List<string>();
        await using (var node = await SecretsNode.StartAsync(dataDir))
        {
            async Task Call(Func<HttpClient, Task<HttpResponseMessage>> call)
            {
                using var response = await call(node.Admin);
                answers.Add(await response.Content.ReadAsStringAsync());
            }

            await Call(c => c.PostAsJsonAsync("/api/2.0/secrets/scopes/create", new { scope = "llm" }));
            await Call(c => c.PostAsJsonAsync("/api/2.0/secrets/put", new { scope = "llm", key = "openai", string_value = Plaintext }));
            await Call(c => c.PostAsJsonAsync("/api/2.0/secrets/put", new { scope = "llm", key = "raw", bytes_value = Convert.ToBase64String(Encoding.UTF8.GetBytes(BytesPlaintext)) }));
            // Failing requests that carry the value must not echo it either.
            await Call(c => c.PostAsJsonAsync("/api/2.0/secrets/put", new { scope = "missing", key = "openai", string_value = Plaintext }));
            await Call(c => c.PostAsJsonAsync("/api/2.0/secrets/put", new { scope = "llm", key = "bad key", string_value = Plaintext }));
            await Call(c => c.PostAsJsonAsync("/api/2.0/secrets/put", new { scope = "llm", key = "openai", string_value = Plaintext, extra = Plaintext }));
            await Call(c => c.PostAsJsonAsync("/api/2.0/secrets/put", new { scope = "llm", key = "openai", bytes_value = Plaintext }));
            await Call(c => c.GetAsync("/api/2.0/secrets/list?scope=llm"));
            await Call(c => c.GetAsync("/api/2.0/secrets/scopes/list"));
            await Call(c => c.GetAsync("/openapi/v1.json"));
            Assert.Contains(answers, a => a.Contains("\"openai\"", StringComparison.Ordinal));

            await using (var scope = node.Services.CreateAsyncScope())
            {
                // The value really is stored (so its absence below means something) ...
                var store = scope.ServiceProvider.GetRequiredService<SecretStore>();
                Assert.Equal(Plaintext, await store.ResolveAsync("{{secrets/llm/openai}}", default));
                Assert.Equal(BytesPlaintext, await store.ResolveAsync("{{secrets/llm/raw}}", default));
            }

            AssertNowhere(answers, "an API answer");
            // The log saw the writes (EF Core's command log at Debug), without their values.
            Assert.Contains(node.Log.Lines, l => l.Contains("INSERT INTO \"Secrets\"", StringComparison.Ordinal));
            AssertNowhere(node.Log.Lines, "a log line");
            AssertNoFileHolds("with the node running");
            await using (var scope = node.Services.CreateAsyncScope())
            {
                // ... and moved from the WAL into the database file itself.
                await scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>().Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
            }

            AssertNoFileHolds("after a checkpoint");
        }

        AssertNowhere(answers, "an API answer");
        AssertNoFileHolds("after shutdown");
        Assert.True(new FileInfo(Path.Combine(dataDir, "modelplane.db")).Length > 0);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dataDir, MasterKey.FileName)));
        }
    }

    [Fact]
    public async Task A_different_master_key_fails_start_up_naming_MODELPLANE_MASTER_KEY()
    {
        await using (var node = await SecretsNode.StartAsync(dataDir))
        {
            await SecretsApiTests.ExpectOkAsync(node.Admin, "/api/2.0/secrets/scopes/create", new { scope = "s" });
            await SecretsApiTests.ExpectOkAsync(node.Admin, "/api/2.0/secrets/put", new { scope = "s", key = "k", string_value = Plaintext });
        }

        var fileKey = (await File.ReadAllTextAsync(Path.Combine(dataDir, MasterKey.FileName))).Trim();
        var other = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        var wrong = await Assert.ThrowsAsync<InvalidOperationException>(() => SecretsNode.StartAsync(dataDir, $"--{MasterKey.EnvironmentVariable}={other}"));
        Assert.Contains(MasterKey.EnvironmentVariable, wrong.Message, StringComparison.Ordinal);
        Assert.Contains("not the key", wrong.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(other, wrong.ToString(), StringComparison.Ordinal);

        var malformed = await Assert.ThrowsAsync<InvalidOperationException>(() => SecretsNode.StartAsync(dataDir, $"--{MasterKey.EnvironmentVariable}=dG9vIHNob3J0"));
        Assert.Contains(MasterKey.EnvironmentVariable, malformed.Message, StringComparison.Ordinal);

        // The original key, given through the variable, starts the node and decrypts the secret.
        await using (var node = await SecretsNode.StartAsync(dataDir, $"--{MasterKey.EnvironmentVariable}={fileKey}"))
        {
            await using var scope = node.Services.CreateAsyncScope();
            Assert.Equal(Plaintext, await scope.ServiceProvider.GetRequiredService<SecretStore>().ResolveAsync("{{secrets/s/k}}", default));
        }

        // A replaced key file fails the same way.
        await File.WriteAllTextAsync(Path.Combine(dataDir, MasterKey.FileName), other);
        var replaced = await Assert.ThrowsAsync<InvalidOperationException>(() => SecretsNode.StartAsync(dataDir));
        Assert.Contains(MasterKey.EnvironmentVariable, replaced.Message, StringComparison.Ordinal);
        Assert.Contains(MasterKey.FileName, replaced.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<byte[]> Needles() =>
        [Encoding.UTF8.GetBytes(Plaintext), Encoding.Unicode.GetBytes(Plaintext), Encoding.UTF8.GetBytes(BytesPlaintext), Encoding.Unicode.GetBytes(BytesPlaintext)];

    private static void AssertNowhere(IEnumerable<string> texts, string where)
    {
        foreach (var text in texts)
        {
            Assert.False(text.Contains(Plaintext, StringComparison.Ordinal) || text.Contains(BytesPlaintext, StringComparison.Ordinal), $"a plaintext secret is in {where}: {text}");
        }
    }

    private void AssertNoFileHolds(string when)
    {
        var files = Directory.EnumerateFiles(dataDir, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.Contains("modelplane.db", files);
        Assert.Contains(MasterKey.FileName, files);

        // The scan finds what is there: the bootstrap admin token sits in clear in its file by design (DESIGN.md §6).
        var adminToken = Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(dataDir, "admin-token")).Trim());
        Assert.Contains(Path.Combine(dataDir, "admin-token"), FilesHolding(adminToken));
        foreach (var needle in Needles())
        {
            var holding = FilesHolding(needle);
            Assert.True(holding.Count == 0, $"{string.Join(", ", holding)} hold a plaintext secret {when}");
        }
    }

    private List<string> FilesHolding(byte[] needle)
    {
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(dataDir, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            if (copy.GetBuffer().AsSpan(0, (int)copy.Length).IndexOf(needle) >= 0)
            {
                found.Add(file);
            }
        }

        return found;
    }
}
