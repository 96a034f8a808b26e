using System.Net;
using Modelplane.Client;

namespace Modelplane.Cli.Tests;

/// <summary>The typed secrets calls of <see cref="ModelplaneClient"/> against a real node.</summary>
public sealed class SecretClientTests(SecretsNodeFixture node) : IClassFixture<SecretsNodeFixture>
{
    private ModelplaneClient Client(string? token = null) => new(new Uri(node.Url), token ?? node.Token);

    [Fact]
    public async Task Scopes_and_secrets_round_trip_with_names_only()
    {
        using var client = Client();
        var scope = SecretsNodeFixture.NewScope("client");

        await client.CreateSecretScopeAsync(scope);
        await client.PutSecretAsync(scope, "b-text", "sk-client-text");
        await client.PutSecretAsync(scope, "a-bytes", new byte[] { 0, 1, 2, 250 });
        var scopes = await client.ListSecretScopesAsync();
        var secrets = await client.ListSecretsAsync(scope);

        Assert.Contains(new SecretScope { Name = scope, BackendType = "DATABRICKS" }, scopes);
        Assert.Equal(["a-bytes", "b-text"], secrets.Select(s => s.Key));
        Assert.All(secrets, s => Assert.True(s.LastUpdatedTimestamp > DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds()));
        Assert.Equal("sk-client-text"u8.ToArray(), await node.ReadValueAsync(scope, "b-text"));
        Assert.Equal([0, 1, 2, 250], await node.ReadValueAsync(scope, "a-bytes"));

        await client.DeleteSecretAsync(scope, "a-bytes");
        Assert.Equal(["b-text"], (await client.ListSecretsAsync(scope)).Select(s => s.Key));
        await client.DeleteSecretScopeAsync(scope);
        Assert.DoesNotContain(await client.ListSecretScopesAsync(), s => s.Name == scope);
    }

    [Fact]
    public async Task Errors_carry_the_status_code_and_message()
    {
        using var client = Client();
        var scope = SecretsNodeFixture.NewScope("client-err");
        await client.CreateSecretScopeAsync(scope);

        var exists = await Assert.ThrowsAsync<ModelplaneApiException>(() => client.CreateSecretScopeAsync(scope));
        var missing = await Assert.ThrowsAsync<ModelplaneApiException>(() => client.ListSecretsAsync(scope + "x"));
        var noKey = await Assert.ThrowsAsync<ModelplaneApiException>(() => client.DeleteSecretAsync(scope, "absent"));
        var badKey = await Assert.ThrowsAsync<ModelplaneApiException>(() => client.PutSecretAsync(scope, "bad key", "sk-bad-key-value"));

        Assert.Equal((HttpStatusCode.Conflict, "RESOURCE_ALREADY_EXISTS"), (exists.StatusCode, exists.ErrorCode));
        Assert.Equal((HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", $"Secret scope '{scope}x' does not exist."), (missing.StatusCode, missing.ErrorCode, missing.Message));
        Assert.Equal((HttpStatusCode.NotFound, $"Secret 'absent' does not exist in scope '{scope}'."), (noKey.StatusCode, noKey.Message));
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE"), (badKey.StatusCode, badKey.ErrorCode));
        Assert.DoesNotContain("sk-bad-key-value", badKey.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scope_name_is_escaped_in_the_list_query()
    {
        using var client = Client();

        // '&' would start a second query parameter if sent raw; escaped, the node sees (and refuses) the whole name.
        var error = await Assert.ThrowsAsync<ModelplaneApiException>(() => client.ListSecretsAsync("a&scope=b"));

        Assert.Equal(HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("'a&scope=b'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_token_is_unauthenticated()
    {
        using var client = Client("not-a-token");

        var error = await Assert.ThrowsAsync<ModelplaneApiException>(() => client.ListSecretScopesAsync());

        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), (error.StatusCode, error.ErrorCode));
    }

    [Fact]
    public void The_put_body_never_prints_its_value()
    {
        var body = new PutSecretBody { Scope = "s", Key = "k", StringValue = "sk-to-string", BytesValue = "c2stYnl0ZXM=" };

        Assert.DoesNotContain("sk-to-string", body.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("c2stYnl0ZXM=", body.ToString(), StringComparison.Ordinal);
    }
}
