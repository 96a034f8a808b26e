using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Modelplane.Core.Secrets;

namespace Modelplane.Server.Tests.Secrets;

/// <summary>A node with the secrets API in a temp data dir, shared by <see cref="SecretsApiTests"/>.</summary>
public sealed class SecretsApiFixture : IAsyncLifetime
{
    /// <summary>The temp data dir.</summary>
    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "modelplane-test-" + Guid.NewGuid().ToString("N"));

    /// <summary>The node.</summary>
    public SecretsNode Node { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() => Node = await SecretsNode.StartAsync(DataDir);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        await Node.DisposeAsync();
        Directory.Delete(DataDir, recursive: true);
    }
}

/// <summary>The Databricks Secrets API routes: shapes, names-only lists, errors naming the field, admins only.</summary>
public sealed class SecretsApiTests(SecretsApiFixture fixture) : IClassFixture<SecretsApiFixture>
{
    private HttpClient Admin => fixture.Node.Admin;

    [Fact]
    public async Task Put_list_delete_round_trip_and_lists_hold_names_only()
    {
        await ExpectOkAsync(Admin, "/api/2.0/secrets/scopes/create", new { scope = "rt" });
        await ExpectOkAsync(Admin, "/api/2.0/secrets/put", new { scope = "rt", key = "b-key", string_value = "value-one-ABC" });
        await ExpectOkAsync(Admin, "/api/2.0/secrets/put", new { scope = "rt", key = "a.key", bytes_value = Convert.ToBase64String([0, 1, 2, 250]) });

        var scopes = (await Admin.GetFromJsonAsync<JsonObject>("/api/2.0/secrets/scopes/list"))!;
        var rt = Assert.Single(scopes["scopes"]!.AsArray(), s => s!["name"]!.GetValue<string>() == "rt")!;
        Assert.Equal("DATABRICKS", rt["backend_type"]!.GetValue<string>());

        var listText = await Admin.GetStringAsync("/api/2.0/secrets/list?scope=rt");
        var list = JsonNode.Parse(listText)!["secrets"]!.AsArray();
        Assert.Equal(["a.key", "b-key"], list.Select(s => s!["key"]!.GetValue<string>()));
        Assert.All(list, s => Assert.Equal(["key", "last_updated_timestamp"], s!.AsObject().Select(p => p.Key).Order()));
        Assert.All(list, s => Assert.True(s!["last_updated_timestamp"]!.GetValue<long>() > 1_700_000_000_000));
        Assert.DoesNotContain("value-one-ABC", listText, StringComparison.Ordinal);

        await using (var scope = fixture.Node.Services.CreateAsyncScope())
        {
            var store = scope.ServiceProvider.GetRequiredService<SecretStore>();
            Assert.Equal("value-one-ABC", await store.ResolveAsync("{{secrets/rt/b-key}}", default));
            Assert.Equal([0, 1, 2, 250], await store.GetAsync("rt", "a.key", default));
        }

        await ExpectOkAsync(Admin, "/api/2.0/secrets/put", new { scope = "rt", key = "b-key", string_value = "value-two" });
        await using (var scope = fixture.Node.Services.CreateAsyncScope())
        {
            Assert.Equal("value-two", await scope.ServiceProvider.GetRequiredService<SecretStore>().ResolveAsync("{{ secrets/rt/b-key }}", default));
        }

        await ExpectOkAsync(Admin, "/api/2.0/secrets/delete", new { scope = "rt", key = "a.key" });
        list = (await Admin.GetFromJsonAsync<JsonObject>("/api/2.0/secrets/list?scope=rt"))!["secrets"]!.AsArray();
        Assert.Equal(["b-key"], list.Select(s => s!["key"]!.GetValue<string>()));

        await ExpectOkAsync(Admin, "/api/2.0/secrets/scopes/delete", new { scope = "rt" });
        scopes = (await Admin.GetFromJsonAsync<JsonObject>("/api/2.0/secrets/scopes/list"))!;
        Assert.DoesNotContain(scopes["scopes"]!.AsArray(), s => s!["name"]!.GetValue<string>() == "rt");
        await ExpectErrorAsync(await Admin.GetAsync("/api/2.0/secrets/list?scope=rt"), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "'rt'");
    }

    [Fact]
    public async Task Errors_name_the_field_or_resource()
    {
        await ExpectOkAsync(Admin, "/api/2.0/secrets/scopes/create", new { scope = "errs" });
        await ExpectErrorAsync(await Post(Admin, "/api/2.0/secrets/scopes/create", new { scope = "errs" }), HttpStatusCode.Conflict, "RESOURCE_ALREADY_EXISTS", "'errs'");
        await ExpectErrorAsync(await Post(Admin, "/api/2.0/secrets/scopes/create", new { scope = "bad scope!" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "scope");
        await ExpectErrorAsync(await Post(Admin, "/api/2.0/secrets/scopes/create", new { scope = new string('s', 129) }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "scope");
        await ExpectErrorAsync(await Post(Admin, "/api/2.0/secrets/scopes/create", new { }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "scope is required");
        await ExpectErrorAsync(await Post(Admin, "/api/2.0/secrets/put", new { scope = "errs", key = "k/1", string_value = "v" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "key");
        await ExpectErrorAsync(await Post(Admin, "/api/2.0/secrets/put", new { scope = "errs", key = "k" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "string_value");
        await ExpectErrorAsync(await Post(Admin, "/api/2.0/secrets/put", new { scope = "errs", key = "k", bytes_value = "not base64!" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "bytes_value");
        await ExpectErrorAsync(await Post(Admin, "/api/2.0/secrets/put", new { scope = "errs", key = "k", string_value = "a", bytes_value = "YQ==" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "bytes_value");
        await ExpectErrorAsync(await Post(Admin, "/api/2.0/secrets/put", new { scope = "errs", key = "k", value = "v" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "'value'");
        await ExpectErrorAsync(await Post(Admin, "/api/2.0/secrets/put", new { scope = "nope", key = "k", string_value = "v" }), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "'nope'");
        await ExpectErrorAsync(await Post(Admin, "/api/2.0/secrets/delete", new { scope = "errs", key = "missing" }), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "'missing'");
        await ExpectErrorAsync(await Post(Admin, "/api/2.0/secrets/scopes/delete", new { scope = "nope" }), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST", "'nope'");
        await ExpectErrorAsync(await Post(Admin, "/api/2.0/secrets/scopes/create", new { scope = "x", scope_backend_type = "AZURE_KEYVAULT" }), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "scope_backend_type");
        await ExpectErrorAsync(await Admin.GetAsync("/api/2.0/secrets/list"), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE", "scope");
    }

    [Fact]
    public async Task A_user_without_an_acl_cannot_touch_another_principals_scope_and_anonymous_callers_nothing()
    {
        await ExpectOkAsync(Admin, "/api/2.0/secrets/scopes/create", new { scope = "guarded" });
        await ExpectOkAsync(Admin, "/api/2.0/secrets/put", new { scope = "guarded", key = "k", string_value = "v" });
        var user = fixture.Node.User;
        await ExpectErrorAsync(await Post(user, "/api/2.0/secrets/scopes/delete", new { scope = "guarded" }), HttpStatusCode.Forbidden, "PERMISSION_DENIED", "MANAGE on secret scope 'guarded'");
        await ExpectErrorAsync(await Post(user, "/api/2.0/secrets/put", new { scope = "guarded", key = "k", string_value = "x" }), HttpStatusCode.Forbidden, "PERMISSION_DENIED", "WRITE");
        await ExpectErrorAsync(await Post(user, "/api/2.0/secrets/delete", new { scope = "guarded", key = "k" }), HttpStatusCode.Forbidden, "PERMISSION_DENIED", "WRITE");
        await ExpectErrorAsync(await user.GetAsync("/api/2.0/secrets/list?scope=guarded"), HttpStatusCode.Forbidden, "PERMISSION_DENIED", "READ");
        await ExpectOkAsync(user, "/api/2.0/secrets/scopes/create", new { scope = "users-own" });
        var scopes = (await user.GetFromJsonAsync<JsonObject>("/api/2.0/secrets/scopes/list"))!["scopes"]!.AsArray().Select(s => s!["name"]!.GetValue<string>()).ToList();
        Assert.Contains("users-own", scopes);
        Assert.DoesNotContain("guarded", scopes);

        var anonymous = fixture.Node.Anonymous;
        await ExpectErrorAsync(await Post(anonymous, "/api/2.0/secrets/scopes/create", new { scope = "mine" }), HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "");
        await ExpectErrorAsync(await Post(anonymous, "/api/2.0/secrets/scopes/delete", new { scope = "guarded" }), HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "");
        await ExpectErrorAsync(await anonymous.GetAsync("/api/2.0/secrets/scopes/list"), HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "");
        await ExpectErrorAsync(await Post(anonymous, "/api/2.0/secrets/put", new { scope = "guarded", key = "k", string_value = "x" }), HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "");
        await ExpectErrorAsync(await anonymous.GetAsync("/api/2.0/secrets/list?scope=guarded"), HttpStatusCode.Unauthorized, "UNAUTHENTICATED", "");

        var list = (await Admin.GetFromJsonAsync<JsonObject>("/api/2.0/secrets/list?scope=guarded"))!["secrets"]!.AsArray();
        Assert.Equal(["k"], list.Select(s => s!["key"]!.GetValue<string>()));
        await using var scope = fixture.Node.Services.CreateAsyncScope();
        Assert.Equal("v", await scope.ServiceProvider.GetRequiredService<SecretStore>().ResolveAsync("{{secrets/guarded/k}}", default));
    }

    internal static Task<HttpResponseMessage> Post(HttpClient client, string path, object body) => client.PostAsJsonAsync(path, body);

    internal static async Task<string> ExpectOkAsync(HttpClient client, string path, object body)
    {
        using var response = await Post(client, path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"POST {path}: {(int)response.StatusCode} {text}");
        Assert.Equal("{}", text);
        return text;
    }

    internal static async Task ExpectErrorAsync(HttpResponseMessage response, HttpStatusCode status, string code, string messagePart)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == status, $"{response.RequestMessage!.RequestUri}: expected {(int)status}, got {(int)response.StatusCode} {text}");
            var json = JsonNode.Parse(text)!;
            Assert.Equal(code, json["error_code"]!.GetValue<string>());
            Assert.Contains(messagePart, json["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }
}
