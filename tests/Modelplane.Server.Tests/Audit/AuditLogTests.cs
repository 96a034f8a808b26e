using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Modelplane.Core.Governance;
using Modelplane.Core.Governance.Audit;
using Modelplane.Core.Storage;
using Modelplane.Server.Tests.Gateway;

namespace Modelplane.Server.Tests.Audit;

/// <summary>
/// The audit log through the real pipeline (issue 6, part 4): control-plane changes and denied requests each give
/// exactly the expected entry, credentials never reach the store, and successful reads give none.
/// </summary>
public sealed class AuditLogTests(AuditNode node) : IClassFixture<AuditNode>
{
    private static StringContent Json(object body) => new(System.Text.Json.JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static string Everything(AuditEntity e) =>
        string.Join('\n', e.Time, e.Principal, e.Method, e.Path, e.StatusCode, e.Result, e.RequestId, e.Details, e.SourceIp);

    private async Task<AuditEntity> SingleAsync(string requestId) => Assert.Single(await node.EntriesAsync(requestId));

    private static JsonObject Body(AuditEntity entry) => JsonNode.Parse(entry.Details!)!["body"]!.AsObject();

    [Fact]
    public async Task Creating_and_deleting_an_endpoint_give_one_success_entry_each_with_the_api_key_redacted()
    {
        var name = "audited-" + Guid.NewGuid().ToString("N")[..8];
        var entity = GatewayNode.OpenAiEntity("gpt", "gpt-4o", "llm/v1/chat", node.OpenAi);
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var (createId, create) = await AuditNode.SendAsync(node.Admin, HttpMethod.Post, "/api/2.0/serving-endpoints",
            Json(new { name, config = new { served_entities = new[] { entity } } }));
        Assert.Equal(HttpStatusCode.OK, create.StatusCode);
        var (deleteId, delete) = await AuditNode.SendAsync(node.Admin, HttpMethod.Delete, $"/api/2.0/serving-endpoints/{name}");
        Assert.Equal(HttpStatusCode.OK, delete.StatusCode);

        var created = await SingleAsync(createId);
        Assert.Equal((TokenService.AdminName, "POST", "/api/2.0/serving-endpoints", 200, AuditResults.Success), (created.Principal, created.Method, created.Path, created.StatusCode, created.Result));
        Assert.InRange(created.Time, before - 1000, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000);
        var body = Body(created);
        Assert.Equal(name, (string?)body["name"]);
        var openai = body["config"]!["served_entities"]![0]!["external_model"]!["openai_config"]!;
        Assert.Equal(AuditRedactor.Redacted, (string?)openai["openai_api_key_plaintext"]);
        Assert.Equal(node.OpenAi.ApiBase.ToString(), (string?)openai["openai_api_base"]);
        Assert.DoesNotContain(GatewayNode.OpenAiKey, Everything(created), StringComparison.Ordinal);

        var deleted = await SingleAsync(deleteId);
        Assert.Equal((TokenService.AdminName, "DELETE", $"/api/2.0/serving-endpoints/{name}", 200, AuditResults.Success, null), (deleted.Principal, deleted.Method, deleted.Path, deleted.StatusCode, deleted.Result, deleted.Details));
    }

    [Fact]
    public async Task A_secret_put_keeps_scope_and_key_but_its_value_appears_nowhere_in_the_row()
    {
        var scope = "audit-" + Guid.NewGuid().ToString("N")[..8];
        const string value = "hunter2-correct-horse-battery-staple-4c1d";
        var (scopeId, _) = await AuditNode.SendAsync(node.Admin, HttpMethod.Post, "/api/2.0/secrets/scopes/create", Json(new { scope }));
        var (putId, put) = await AuditNode.SendAsync(node.Admin, HttpMethod.Post, "/api/2.0/secrets/put", Json(new { scope, key = "db-password", string_value = value }));
        var (bytesId, _) = await AuditNode.SendAsync(node.Admin, HttpMethod.Post, "/api/2.0/secrets/put",
            Json(new { scope, key = "blob", bytes_value = Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) }));

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        Assert.Equal(AuditResults.Success, (await SingleAsync(scopeId)).Result);
        var entry = await SingleAsync(putId);
        Assert.Equal(("POST", "/api/2.0/secrets/put", AuditResults.Success), (entry.Method, entry.Path, entry.Result));
        Assert.Equal(new JsonObject { ["scope"] = scope, ["key"] = "db-password", ["string_value"] = AuditRedactor.Redacted }.ToJsonString(), Body(entry).ToJsonString());
        Assert.DoesNotContain(value, Everything(entry), StringComparison.Ordinal);
        var bytes = await SingleAsync(bytesId);
        Assert.Equal(AuditRedactor.Redacted, (string?)Body(bytes)["bytes_value"]);
        Assert.DoesNotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(value)), Everything(bytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_token_create_is_recorded_without_the_token_value_and_a_bad_one_as_failed()
    {
        var (id, response) = await AuditNode.SendAsync(node.User, HttpMethod.Post, "/api/2.0/token/create", Json(new { comment = "audited token", lifetime_seconds = 600 }));
        var value = (await response.Content.ReadFromJsonAsync<JsonObject>())!["token_value"]!.GetValue<string>();
        var (badId, bad) = await AuditNode.SendAsync(node.User, HttpMethod.Post, "/api/2.0/token/create", Json(new { lifetime_seconds = -1 }));

        var entry = await SingleAsync(id);
        Assert.Equal((node.UserName, 200, AuditResults.Success), (entry.Principal, entry.StatusCode, entry.Result));
        Assert.Equal("""{"comment":"audited token","lifetime_seconds":600}""", Body(entry).ToJsonString());
        Assert.DoesNotContain(value, Everything(entry), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var failed = await SingleAsync(badId);
        Assert.Equal((node.UserName, 400, AuditResults.Failed), (failed.Principal, failed.StatusCode, failed.Result));
        Assert.Equal("""{"body_note":"body of a refused request (23 bytes, application/json; charset=utf-8) not stored"}""", failed.Details);
    }

    [Fact]
    public async Task A_refused_change_stores_no_body_so_a_misspelt_credential_field_is_not_kept()
    {
        const string value = "sk-misspelt-field-value-91b2";
        var (id, response) = await AuditNode.SendAsync(node.Admin, HttpMethod.Post, "/api/2.0/secrets/put", Json(new { scope = "any", key = "k", strng_value = value }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var entry = await SingleAsync(id);
        Assert.Equal((TokenService.AdminName, 400, AuditResults.Failed), (entry.Principal, entry.StatusCode, entry.Result));
        Assert.StartsWith("""{"body_note":"body of a refused request (""", entry.Details, StringComparison.Ordinal);
        Assert.DoesNotContain(value, Everything(entry), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unauthenticated_requests_are_denied_entries_without_a_principal()
    {
        var (readId, read) = await AuditNode.SendAsync(node.Anonymous, HttpMethod.Get, "/api/2.0/serving-endpoints");
        var (writeId, write) = await AuditNode.SendAsync(node.Anonymous, HttpMethod.Post, "/api/2.0/token/create", Json(new { comment = "nope" }));
        var (queryId, query) = await AuditNode.SendAsync(node.Client("mpt_not-a-real-token"), HttpMethod.Post, "/serving-endpoints/any/invocations", Json(new { inputs = new[] { 1 } }));

        Assert.All([read, write, query], r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
        var readEntry = await SingleAsync(readId);
        Assert.Equal((null, "GET", "/api/2.0/serving-endpoints", 401, AuditResults.Denied, null), (readEntry.Principal, readEntry.Method, readEntry.Path, readEntry.StatusCode, readEntry.Result, readEntry.Details));
        var writeEntry = await SingleAsync(writeId);
        Assert.Equal((null, 401, AuditResults.Denied), (writeEntry.Principal, writeEntry.StatusCode, writeEntry.Result));
        Assert.Equal("""{"body_note":"body of a refused request (18 bytes, application/json; charset=utf-8) not stored"}""", writeEntry.Details);
        var queryEntry = await SingleAsync(queryId);
        Assert.Equal((null, "/serving-endpoints/any/invocations", 401, null), (queryEntry.Principal, queryEntry.Path, queryEntry.StatusCode, queryEntry.Details));
    }

    [Fact]
    public async Task A_non_admin_reading_the_audit_log_is_a_403_entry_naming_them()
    {
        var (id, response) = await AuditNode.SendAsync(node.User, HttpMethod.Get, "/api/2.0/audit");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("PERMISSION_DENIED", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["error_code"]);
        var entry = await SingleAsync(id);
        Assert.Equal((node.UserName, "GET", "/api/2.0/audit", 403, AuditResults.Denied, null), (entry.Principal, entry.Method, entry.Path, entry.StatusCode, entry.Result, entry.Details));
        Assert.Equal(id, entry.RequestId);
    }

    [Fact]
    public async Task A_429_is_a_denied_entry_and_a_data_plane_body_is_never_stored()
    {
        var (getId, get) = await AuditNode.SendAsync(node.User, HttpMethod.Get, AuditNode.LimitedPath);
        var (postId, post) = await AuditNode.SendAsync(node.User, HttpMethod.Post, AuditNode.LimitedPath, Json(new { prompt = "data-plane-payload-7f3e", api_key = "sk-x" }));

        Assert.Equal(HttpStatusCode.TooManyRequests, get.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, post.StatusCode);
        var getEntry = await SingleAsync(getId);
        Assert.Equal((node.UserName, "GET", AuditNode.LimitedPath, 429, AuditResults.Denied), (getEntry.Principal, getEntry.Method, getEntry.Path, getEntry.StatusCode, getEntry.Result));
        var postEntry = await SingleAsync(postId);
        Assert.Equal((node.UserName, 429, AuditResults.Denied, null), (postEntry.Principal, postEntry.StatusCode, postEntry.Result, postEntry.Details));
        Assert.DoesNotContain("data-plane-payload-7f3e", Everything(postEntry), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Successful_and_failed_reads_give_no_entry()
    {
        var ids = new List<string>();
        foreach (var (client, path) in new[] { (node.Admin, "/api/2.0/serving-endpoints"), (node.User, "/api/2.0/token/list"), (node.Admin, "/api/2.0/audit"), (node.Admin, "/api/2.0/serving-endpoints/no-such-endpoint") })
        {
            var (id, response) = await AuditNode.SendAsync(client, HttpMethod.Get, path);
            Assert.True(response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
            ids.Add(id);
        }

        foreach (var id in ids)
        {
            Assert.Empty(await node.EntriesAsync(id));
        }
    }

    [Fact]
    public async Task Multipart_and_oversized_bodies_are_recorded_as_a_size_note_only()
    {
        using var multipart = new MultipartFormDataContent { { new ByteArrayContent(Encoding.UTF8.GetBytes("not a model, secret=abc")), "file", "model.onnx" } };
        var (uploadId, _) = await AuditNode.SendAsync(node.Admin, HttpMethod.Post, "/api/2.1/unity-catalog/models/main.default.audit_nope/versions", multipart);
        var big = new string('x', AuditRedactor.MaxBodyBytes + 10);
        var (bigId, _) = await AuditNode.SendAsync(node.Admin, HttpMethod.Post, "/api/2.0/token/create", Json(new { comment = big }));
        var (textId, _) = await AuditNode.SendAsync(node.Admin, HttpMethod.Post, "/api/2.0/token/create", new StringContent("token_value=abc", Encoding.UTF8, "text/plain"));

        var upload = await SingleAsync(uploadId);
        Assert.Matches(@"^multipart body \(\d+ bytes, multipart/form-data; boundary=.*\) not stored$", (string?)JsonNode.Parse(upload.Details!)!["body_note"]);
        Assert.DoesNotContain("secret=abc", Everything(upload), StringComparison.Ordinal);
        var oversized = await SingleAsync(bigId);
        Assert.Equal(AuditResults.Failed, oversized.Result);
        Assert.Equal($"body larger than 64 KB ({AuditRedactor.MaxBodyBytes + 24} bytes, application/json; charset=utf-8) not stored", (string?)JsonNode.Parse(oversized.Details!)!["body_note"]);
        Assert.DoesNotContain("xxxxxxxx", oversized.Details, StringComparison.Ordinal);
        var text = await SingleAsync(textId);
        Assert.Equal("""{"body_note":"body of a refused request (15 bytes, text/plain; charset=utf-8) not stored"}""", text.Details);
    }
}
