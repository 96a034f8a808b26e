using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Modelplane.Cli.Tests.Infrastructure;
using Modelplane.Core.Secrets;

namespace Modelplane.Cli.Tests;

/// <summary>
/// A real Modelplane node (the whole pipeline, SQLite and the encrypted secret store in a temp data dir) listening
/// on a free loopback port, shared by <see cref="SecretCommandTests"/> and <see cref="SecretClientTests"/>.
/// </summary>
public sealed class SecretsNodeFixture() : RealNodeFixture("modelplane-cli-secrets-")
{
    /// <summary>The stored value, read through the node's own store (the API never answers values).</summary>
    public async Task<byte[]> ReadValueAsync(string scope, string key)
    {
        await using var services = Services.CreateAsyncScope();
        return await services.ServiceProvider.GetRequiredService<SecretStore>().GetAsync(scope, key, default);
    }

    /// <summary>A scope name no other test uses.</summary>
    public static string NewScope(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..24];
}

/// <summary><c>modelplane secrets ...</c> run in-process against a real node over loopback HTTP.</summary>
public sealed class SecretCommandTests(SecretsNodeFixture node) : IClassFixture<SecretsNodeFixture>
{
    private readonly List<CliResult> runs = [];

    private async Task<CliResult> RunAsync(string[] args, string? stdin = null, IDictionary<string, string>? environment = null)
    {
        var result = await CliRun.RunAsync(args, environment ?? node.Env(), stdin);
        runs.Add(result);
        return result;
    }

    [Fact]
    public async Task Every_verb_round_trips_and_no_output_ever_holds_a_value()
    {
        var scope = SecretsNodeFixture.NewScope("rt");
        var piped = "sk-piped-" + Guid.NewGuid().ToString("N");
        var typed = "sk-flag-" + Guid.NewGuid().ToString("N");
        var bytes = "sk-bytes-" + Guid.NewGuid().ToString("N");
        var base64 = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(bytes));

        Assert.Equal(0, (await RunAsync(["secrets", "create-scope", scope])).ExitCode);
        Assert.Equal(0, (await RunAsync(["secrets", "put-secret", scope, "openai-key"], stdin: piped)).ExitCode);
        Assert.Equal(0, (await RunAsync(["secrets", "put-secret", scope, "flag.key", "--string-value", typed])).ExitCode);
        Assert.Equal(0, (await RunAsync(["secrets", "put-secret", scope, "bytes_key", "--bytes-value", base64, "-o", "json"])).ExitCode);
        var listJson = await RunAsync(["secrets", "list-secrets", scope, "-o", "json"]);
        var listTable = await RunAsync(["secrets", "list-secrets", scope]);
        var scopesJson = await RunAsync(["secrets", "list-scopes", "-o", "json"]);
        var scopesTable = await RunAsync(["secrets", "list-scopes"]);
        Assert.Equal(0, (await RunAsync(["secrets", "delete-secret", scope, "flag.key"])).ExitCode);
        var afterDelete = await RunAsync(["secrets", "list-secrets", scope, "-o", "json"]);
        Assert.Equal(0, (await RunAsync(["secrets", "delete-scope", scope])).ExitCode);
        var scopesAfter = await RunAsync(["secrets", "list-scopes", "-o", "json"]);

        Assert.All(runs, r => Assert.Equal(0, r.ExitCode));
        Assert.Equal(["bytes_key", "flag.key", "openai-key"], Keys(listJson.Json()));
        Assert.Contains(scopesJson.Json().GetProperty("scopes").EnumerateArray(), s => s.GetProperty("name").GetString() == scope && s.GetProperty("backend_type").GetString() == "DATABRICKS");
        Assert.Matches($@"(?m)^\s*{Regex.Escape(scope)}\s+DATABRICKS\s*$", scopesTable.Stdout);
        Assert.Contains("LAST UPDATED", listTable.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^\s*openai-key\s+\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\s*$", listTable.Stdout);
        Assert.Equal(["bytes_key", "openai-key"], Keys(afterDelete.Json()));
        Assert.DoesNotContain(scopesAfter.Json().GetProperty("scopes").EnumerateArray(), s => s.GetProperty("name").GetString() == scope);
        foreach (var run in runs)
        {
            foreach (var secret in new[] { piped, typed, bytes, base64 })
            {
                Assert.DoesNotContain(secret, run.Stdout, StringComparison.Ordinal);
                Assert.DoesNotContain(secret, run.Stderr, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task List_secrets_json_holds_names_and_times_only()
    {
        var scope = SecretsNodeFixture.NewScope("names");
        await RunAsync(["secrets", "create-scope", scope]);
        await RunAsync(["secrets", "put-secret", scope, "k1", "--string-value", "value-never-listed"]);

        var result = await RunAsync(["secrets", "list-secrets", scope, "-o", "json"]);

        Assert.Equal(0, result.ExitCode);
        var root = result.Json();
        Assert.Equal(["secrets"], root.EnumerateObject().Select(p => p.Name));
        var secret = Assert.Single(root.GetProperty("secrets").EnumerateArray());
        Assert.Equal(["key", "last_updated_timestamp"], secret.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.InRange(secret.GetProperty("last_updated_timestamp").GetInt64(), DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeMilliseconds());
        Assert.DoesNotContain("value-never-listed", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_from_standard_input_stores_it_exactly_and_notes_a_trailing_newline()
    {
        var scope = SecretsNodeFixture.NewScope("stdin");
        await RunAsync(["secrets", "create-scope", scope]);
        var pem = "-----BEGIN KEY-----\nabc\n-----END KEY-----\n";

        var withNewline = await RunAsync(["secrets", "put-secret", scope, "pem"], stdin: pem);
        var without = await RunAsync(["secrets", "put-secret", scope, "plain", "-o", "json"], stdin: "sk-no-newline");

        Assert.Equal(0, withNewline.ExitCode);
        Assert.Equal("", withNewline.Stdout);
        Assert.Contains("ends with a newline", withNewline.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{{{{secrets/{scope}/pem}}}}", withNewline.Stderr, StringComparison.Ordinal);
        Assert.Equal(pem, System.Text.Encoding.UTF8.GetString(await node.ReadValueAsync(scope, "pem")));
        Assert.Equal(0, without.ExitCode);
        Assert.Equal(JsonValueKind.Object, without.Json().ValueKind);
        Assert.Empty(without.Json().EnumerateObject());
        Assert.DoesNotContain("newline", without.Stderr, StringComparison.Ordinal);
        Assert.Equal("sk-no-newline"u8.ToArray(), await node.ReadValueAsync(scope, "plain"));
    }

    [Fact]
    public async Task Put_bytes_value_stores_the_decoded_bytes_and_string_value_replaces_it()
    {
        var scope = SecretsNodeFixture.NewScope("bytes");
        await RunAsync(["secrets", "create-scope", scope]);

        var put = await RunAsync(["secrets", "put-secret", scope, "bin", "--bytes-value", Convert.ToBase64String([0, 1, 2, 250, 255])]);
        var stored = await node.ReadValueAsync(scope, "bin");
        var replace = await RunAsync(["secrets", "put-secret", scope, "bin", "--string-value", "text"]);

        Assert.Equal(0, put.ExitCode);
        Assert.Equal([0, 1, 2, 250, 255], stored);
        Assert.Equal(0, replace.ExitCode);
        Assert.Equal("text"u8.ToArray(), await node.ReadValueAsync(scope, "bin"));
    }

    [Fact]
    public async Task Write_verbs_print_an_empty_json_object_and_a_message_on_stderr()
    {
        var scope = SecretsNodeFixture.NewScope("json");

        var create = await RunAsync(["secrets", "create-scope", scope, "-o", "json"]);
        var delete = await RunAsync(["secrets", "delete-scope", scope, "-o", "json"]);

        Assert.Equal("{}", create.Stdout.Trim());
        Assert.Equal([$"Created secret scope '{scope}'."], create.ErrorLines);
        Assert.Equal("{}", delete.Stdout.Trim());
        Assert.Equal([$"Deleted secret scope '{scope}'."], delete.ErrorLines);
    }

    [Theory]
    [InlineData("list-secrets", "{scope}")]
    [InlineData("delete-scope", "{scope}")]
    [InlineData("delete-secret", "{scope}", "k")]
    [InlineData("put-secret", "{scope}", "k", "--string-value", "sk-unknown-scope-value")]
    public async Task An_unknown_scope_exits_1_with_the_api_message(params string[] verb)
    {
        var scope = SecretsNodeFixture.NewScope("missing");

        var result = await RunAsync(["secrets", .. verb.Select(a => a.Replace("{scope}", scope, StringComparison.Ordinal))]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal([$"Error: RESOURCE_DOES_NOT_EXIST: Secret scope '{scope}' does not exist."], result.ErrorLines);
        Assert.DoesNotContain("sk-unknown-scope-value", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_key_and_an_existing_scope_exit_1_with_the_api_message()
    {
        var scope = SecretsNodeFixture.NewScope("dup");
        await RunAsync(["secrets", "create-scope", scope]);

        var again = await RunAsync(["secrets", "create-scope", scope]);
        var missingKey = await RunAsync(["secrets", "delete-secret", scope, "nope"]);

        Assert.Equal(1, again.ExitCode);
        Assert.Equal([$"Error: RESOURCE_ALREADY_EXISTS: Secret scope '{scope}' already exists."], again.ErrorLines);
        Assert.Equal(1, missingKey.ExitCode);
        Assert.Equal([$"Error: RESOURCE_DOES_NOT_EXIST: Secret 'nope' does not exist in scope '{scope}'."], missingKey.ErrorLines);
    }

    [Fact]
    public async Task An_invalid_name_exits_1_with_the_api_message_naming_the_field()
    {
        var result = await RunAsync(["secrets", "create-scope", "bad scope!"]);

        Assert.Equal(1, result.ExitCode);
        var line = Assert.Single(result.ErrorLines);
        Assert.StartsWith("Error: INVALID_PARAMETER_VALUE: scope 'bad scope!' is invalid", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_token_exits_1_unauthenticated_without_echoing_the_value()
    {
        var env = new Dictionary<string, string>(node.Env()) { ["MODELPLANE_TOKEN"] = "not-a-token" };

        var result = await RunAsync(["secrets", "put-secret", "s", "k", "--string-value", "sk-wrong-token-value"], environment: env);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("Error: UNAUTHENTICATED: ", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
        Assert.DoesNotContain("sk-wrong-token-value", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("create-scope")]
    [InlineData("delete-scope")]
    [InlineData("list-secrets")]
    [InlineData("put-secret", "s")]
    [InlineData("delete-secret", "s")]
    [InlineData("list-scopes", "extra")]
    [InlineData("put-secret", "s", "k", "--string-value")]
    public async Task Missing_or_extra_arguments_exit_2_with_usage(params string[] verb)
    {
        var result = await RunAsync(["secrets", .. verb]);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("Error: ", result.ErrorLines[0], StringComparison.Ordinal);
        Assert.Contains($"Run 'modelplane secrets {verb[0]} --help' for usage.", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Both_value_options_exit_2_without_echoing_either()
    {
        var result = await RunAsync(["secrets", "put-secret", "s", "k", "--string-value", "sk-both-1", "--bytes-value", "c2stYm90aC0y"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Give either --string-value or --bytes-value, not both.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-both-1", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("c2stYm90aC0y", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bytes_value_that_is_not_base64_exits_2_without_echoing_it()
    {
        var result = await RunAsync(["secrets", "put-secret", "s", "k", "--bytes-value", "sk-not-base64!"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--bytes-value must be base64.", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-not-base64!", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_value_and_no_piped_input_exits_2()
    {
        var scope = SecretsNodeFixture.NewScope("novalue");
        await RunAsync(["secrets", "create-scope", scope]);

        var none = await RunAsync(["secrets", "put-secret", scope, "k"]);
        var empty = await RunAsync(["secrets", "put-secret", scope, "k"], stdin: "");
        var list = await RunAsync(["secrets", "list-secrets", scope, "-o", "json"]);

        Assert.Equal(2, none.ExitCode);
        Assert.Equal([$"Error: No secret value: give the value with --string-value, --bytes-value, or on standard input. Run 'modelplane secrets put-secret --help' for usage."], none.ErrorLines);
        Assert.Equal(2, empty.ExitCode);
        Assert.StartsWith("Error: Standard input is empty;", Assert.Single(empty.ErrorLines), StringComparison.Ordinal);
        Assert.Empty(list.Json().GetProperty("secrets").EnumerateArray());
    }

    private static string[] Keys(JsonElement list) =>
        [.. list.GetProperty("secrets").EnumerateArray().Select(s => s.GetProperty("key").GetString()!)];
}
