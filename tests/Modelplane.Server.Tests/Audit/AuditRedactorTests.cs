using System.Text;
using System.Text.Json.Nodes;
using Modelplane.Core.Governance.Audit;

namespace Modelplane.Server.Tests.Audit;

/// <summary>Which fields count as credentials, redaction at any depth, and the notes for bodies that are not stored.</summary>
public sealed class AuditRedactorTests
{
    [Theory]
    [InlineData("token_value")]
    [InlineData("token")]
    [InlineData("access_token")]
    [InlineData("refreshToken")]
    [InlineData("string_value")]
    [InlineData("bytes_value")]
    [InlineData("client_secret")]
    [InlineData("microsoft_entra_client_secret")]
    [InlineData("aws_secret_access_key")]
    [InlineData("aws_access_key_id")]
    [InlineData("openai_api_key")]
    [InlineData("openai_api_key_plaintext")]
    [InlineData("apiKey")]
    [InlineData("private_key")]
    [InlineData("private_key_plaintext")]
    [InlineData("password")]
    [InlineData("db-passwd")]
    [InlineData("Authorization")]
    [InlineData("credentials")]
    public void Credential_fields_are_recognised(string name) => Assert.True(AuditRedactor.IsCredential(name), name);

    [Theory]
    [InlineData("key")]
    [InlineData("tokens")]
    [InlineData("max_tokens")]
    [InlineData("token_id")]
    [InlineData("invalid_keywords")]
    [InlineData("keyword")]
    [InlineData("scope")]
    [InlineData("comment")]
    [InlineData("lifetime_seconds")]
    [InlineData("renewal_period")]
    [InlineData("name")]
    public void Ordinary_fields_are_kept(string name) => Assert.False(AuditRedactor.IsCredential(name), name);

    [Fact]
    public void Credentials_are_redacted_at_any_depth_whatever_their_type()
    {
        var body = """
            {"name": "e", "key": "k", "tokens": 5, "token_id": "t1",
             "config": {"served_entities": [{"external_model": {"openai_config": {"openai_api_key_plaintext": "sk-1", "openai_api_base": "https://x"}}},
                                            {"password": {"nested": "p"}, "client_secret": ["a", "b"], "token": 7, "private_key": null}]}}
            """;

        var details = AuditRedactor.Details(Encoding.UTF8.GetBytes(body), complete: true, "application/json");

        var expected = """
            {"body": {"name": "e", "key": "k", "tokens": 5, "token_id": "t1",
             "config": {"served_entities": [{"external_model": {"openai_config": {"openai_api_key_plaintext": "[REDACTED]", "openai_api_base": "https://x"}}},
                                            {"password": "[REDACTED]", "client_secret": "[REDACTED]", "token": "[REDACTED]", "private_key": "[REDACTED]"}]}}}
            """;
        Assert.Equal(JsonNode.Parse(expected)!.ToJsonString(), details);
    }

    [Fact]
    public void Empty_non_json_and_oversized_bodies_are_notes()
    {
        Assert.Null(AuditRedactor.Details([], complete: true, "application/json"));
        Assert.Equal("""{"body_note":"non-JSON body (9 bytes, text/plain) not stored"}""", AuditRedactor.Details("token=abc"u8, complete: true, "text/plain"));
        Assert.Equal("""{"body_note":"non-JSON body (17 bytes) not stored"}""", AuditRedactor.Details("""{"a": 1, "a": 2}"""u8.ToArray().Append((byte)' ').ToArray(), complete: true, null));
        Assert.Equal("""{"body_note":"body larger than 64 KB (application/json) not stored"}""", AuditRedactor.Details(new byte[100], complete: false, "application/json"));
        var big = Encoding.UTF8.GetBytes("\"" + new string('a', AuditRedactor.MaxBodyBytes) + "\"");
        Assert.Equal("""{"body_note":"body larger than 64 KB not stored"}""", AuditRedactor.Details(big, complete: true, null));
    }
}
