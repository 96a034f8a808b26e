using System.Net;
using System.Text.RegularExpressions;
using Modelplane.Cli.Tests.Infrastructure;
using Modelplane.Client;

namespace Modelplane.Cli.Tests;

/// <summary>
/// A real Modelplane node (the whole pipeline, SQLite in a temp data dir) listening on a free loopback port, shared by
/// <see cref="TokenCommandTests"/> and <see cref="TokenClientTests"/>.
/// </summary>
public sealed class TokensNodeFixture() : RealNodeFixture("modelplane-cli-tokens-");

/// <summary><c>modelplane tokens ...</c> run in-process against a real node over loopback HTTP.</summary>
public sealed class TokenCommandTests(TokensNodeFixture node) : IClassFixture<TokensNodeFixture>
{
    private static Task<CliResult> RunAsync(string[] args, IDictionary<string, string> environment) => CliRun.RunAsync(args, environment);

    [Fact]
    public async Task Create_prints_the_value_once_and_the_token_lists_and_deletes_itself()
    {
        var comment = "cli-" + Guid.NewGuid().ToString("N")[..8];

        var create = await RunAsync(["tokens", "create", "--comment", comment, "--lifetime-seconds", "3600"], node.Env());

        Assert.Equal(0, create.ExitCode);
        var value = create.Stdout.Trim();
        Assert.Matches("^mpt_[A-Za-z0-9_-]{43}$", value);
        var note = Assert.Single(create.ErrorLines);
        Assert.Contains("This is the only time its value is shown", note, StringComparison.Ordinal);
        Assert.Matches(@"expires \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} UTC", note);
        var id = Regex.Match(note, "Created token '([0-9a-f]{32})'").Groups[1].Value;
        Assert.NotEmpty(id);

        var table = await RunAsync(["tokens", "list"], node.Env(value));
        var json = await RunAsync(["tokens", "list", "-o", "json"], node.Env(value));

        Assert.Equal(0, table.ExitCode);
        Assert.Matches(@"ID\s+COMMENT\s+CREATED\s+EXPIRES", table.Stdout);
        Assert.Matches($@"(?m)^\s*{id}\s+{comment}\s+\d{{4}}-\d{{2}}-\d{{2}} \d{{2}}:\d{{2}}:\d{{2}}\s+\d{{4}}-\d{{2}}-\d{{2}} \d{{2}}:\d{{2}}:\d{{2}}\s*$", table.Stdout);
        Assert.Matches(@"(?m)^\s*[0-9a-f]{32}\s+bootstrap admin token\s+\S+ \S+\s+never\s*$", table.Stdout);
        Assert.Equal(0, json.ExitCode);
        var root = json.Json();
        Assert.Equal(["token_infos"], root.EnumerateObject().Select(p => p.Name));
        var listed = Assert.Single(root.GetProperty("token_infos").EnumerateArray(), t => t.GetProperty("token_id").GetString() == id);
        Assert.Equal(["comment", "creation_time", "expiry_time", "token_id"], listed.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal(listed.GetProperty("creation_time").GetInt64() + 3_600_000, listed.GetProperty("expiry_time").GetInt64());
        Assert.DoesNotContain(value, table.Stdout + json.Stdout, StringComparison.Ordinal);

        var delete = await RunAsync(["tokens", "delete", id], node.Env(value));
        var after = await RunAsync(["tokens", "list"], node.Env(value));

        Assert.Equal(0, delete.ExitCode);
        Assert.Equal("", delete.Stdout);
        Assert.Equal([$"Deleted token '{id}'."], delete.ErrorLines);
        Assert.Equal(1, after.ExitCode);
        Assert.Equal("", after.Stdout);
        Assert.StartsWith("Error: UNAUTHENTICATED: ", Assert.Single(after.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_json_prints_the_api_answer_and_delete_json_prints_an_empty_object()
    {
        var create = await RunAsync(["tokens", "create", "-o", "json"], node.Env());

        Assert.Equal(0, create.ExitCode);
        var root = create.Json();
        Assert.Equal(["token_info", "token_value"], root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.StartsWith("mpt_", root.GetProperty("token_value").GetString(), StringComparison.Ordinal);
        var info = root.GetProperty("token_info");
        Assert.Equal(-1, info.GetProperty("expiry_time").GetInt64());
        Assert.Contains("only time", Assert.Single(create.ErrorLines), StringComparison.Ordinal);

        var id = info.GetProperty("token_id").GetString()!;
        var delete = await RunAsync(["tokens", "delete", id, "-o", "json"], node.Env());

        Assert.Equal(0, delete.ExitCode);
        Assert.Equal("{}", delete.Stdout.Trim());
    }

    [Fact]
    public async Task A_token_without_lifetime_never_expires_in_the_table()
    {
        var comment = "forever-" + Guid.NewGuid().ToString("N")[..8];
        var create = await RunAsync(["tokens", "create", "--comment", comment], node.Env());
        var list = await RunAsync(["tokens", "list"], node.Env());

        Assert.Equal(0, create.ExitCode);
        Assert.Contains("never expires", create.Stderr, StringComparison.Ordinal);
        Assert.Matches($@"(?m)^\s*[0-9a-f]{{32}}\s+{comment}\s+\S+ \S+\s+never\s*$", list.Stdout);
    }

    [Fact]
    public async Task An_unknown_token_id_exits_1_with_the_api_message()
    {
        var result = await RunAsync(["tokens", "delete", "no-such-token"], node.Env());

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal(["Error: RESOURCE_DOES_NOT_EXIST: Token 'no-such-token' does not exist."], result.ErrorLines);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-60")]
    public async Task A_lifetime_that_is_not_positive_exits_1_naming_the_field(string seconds)
    {
        var result = await RunAsync(["tokens", "create", "--lifetime-seconds", seconds], node.Env());

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("Error: INVALID_PARAMETER_VALUE: lifetime_seconds must be a positive number", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_comment_over_1000_characters_exits_1_naming_the_field()
    {
        var result = await RunAsync(["tokens", "create", "--comment", new string('c', 1001)], node.Env());

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("Error: INVALID_PARAMETER_VALUE: comment may be at most 1000 characters", Assert.Single(result.ErrorLines), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("create", "--lifetime-seconds", "soon")]
    [InlineData("create", "--lifetime-seconds")]
    [InlineData("delete")]
    [InlineData("delete", "a", "b")]
    [InlineData("list", "extra")]
    public async Task Missing_or_malformed_arguments_exit_2_with_usage(params string[] verb)
    {
        var result = await RunAsync(["tokens", .. verb], node.Env());

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("Error: ", result.ErrorLines[0], StringComparison.Ordinal);
        Assert.Contains($"Run 'modelplane tokens {verb[0]} --help' for usage.", result.Stderr, StringComparison.Ordinal);
    }
}

/// <summary>The typed token calls of <see cref="ModelplaneClient"/> against a real node.</summary>
public sealed class TokenClientTests(TokensNodeFixture node) : IClassFixture<TokensNodeFixture>
{
    [Fact]
    public async Task Create_list_delete_round_trip_and_the_deleted_token_is_refused()
    {
        using var admin = new ModelplaneClient(new Uri(node.Url), node.Token);

        var created = await admin.CreateTokenAsync(lifetimeSeconds: 120, comment: "client");
        using var own = new ModelplaneClient(new Uri(node.Url), created.TokenValue!);
        var listed = await own.ListTokensAsync();

        Assert.Contains(created.TokenInfo!, listed);
        Assert.Equal(created.TokenInfo!.CreationTime + 120_000, created.TokenInfo.ExpiryTime);
        Assert.DoesNotContain(created.TokenValue!, created.ToString()!, StringComparison.Ordinal);

        await admin.DeleteTokenAsync(created.TokenInfo.TokenId!);
        var refused = await Assert.ThrowsAsync<ModelplaneApiException>(() => own.ListTokensAsync());
        var missing = await Assert.ThrowsAsync<ModelplaneApiException>(() => admin.DeleteTokenAsync(created.TokenInfo.TokenId!));
        var bad = await Assert.ThrowsAsync<ModelplaneApiException>(() => admin.CreateTokenAsync(lifetimeSeconds: 0));

        Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), (refused.StatusCode, refused.ErrorCode));
        Assert.Equal((HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST"), (missing.StatusCode, missing.ErrorCode));
        Assert.Equal((HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE"), (bad.StatusCode, bad.ErrorCode));
        Assert.Contains("lifetime_seconds", bad.Message, StringComparison.Ordinal);
    }
}
