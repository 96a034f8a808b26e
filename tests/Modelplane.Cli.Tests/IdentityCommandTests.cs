using Modelplane.Cli.Tests.Infrastructure;

namespace Modelplane.Cli.Tests;

/// <summary>A real node on loopback for <see cref="IdentityCommandTests"/>.</summary>
public sealed class IdentityNodeFixture() : RealNodeFixture("modelplane-cli-identity-");

/// <summary><c>modelplane users|groups|service-principals|whoami</c> and <c>tokens create-obo</c> against a real node.</summary>
public sealed class IdentityCommandTests(IdentityNodeFixture node) : IClassFixture<IdentityNodeFixture>
{
    private static Task<CliResult> RunAsync(string[] args, IDictionary<string, string> environment) => CliRun.RunAsync(args, environment);

    private static string NewUserName() => $"cli-{Guid.NewGuid():N}@example.com";

    [Fact]
    public async Task Users_are_created_listed_got_deactivated_activated_and_deleted_by_user_name()
    {
        var name = NewUserName();

        var create = await RunAsync(["users", "create", name, "--display-name", "Grace Hopper"], node.Env());
        var table = await RunAsync(["users", "list"], node.Env());
        var json = await RunAsync(["users", "list", "--filter", $"userName eq \"{name}\"", "-o", "json"], node.Env());
        var off = await RunAsync(["users", "deactivate", name, "-o", "json"], node.Env());
        var on = await RunAsync(["users", "activate", name], node.Env());
        var delete = await RunAsync(["users", "delete", name], node.Env());
        var gone = await RunAsync(["users", "get", name], node.Env());

        Assert.Equal(0, create.ExitCode);
        var id = System.Text.RegularExpressions.Regex.Match(Assert.Single(create.ErrorLines), "with id '([0-9a-f]{32})'").Groups[1].Value;
        Assert.NotEmpty(id);
        Assert.Matches(@"ID\s+USER NAME\s+DISPLAY NAME\s+ACTIVE\s+GROUPS", table.Stdout);
        Assert.Matches($@"(?m)^\s*{id}\s+{name}\s+Grace Hopper\s+true\s*$", table.Stdout);
        Assert.Equal(0, json.ExitCode);
        var list = json.Json();
        Assert.Equal(1, list.GetProperty("totalResults").GetInt32());
        Assert.Equal(name, list.GetProperty("Resources")[0].GetProperty("userName").GetString());
        Assert.Equal(0, off.ExitCode);
        Assert.False(off.Json().GetProperty("active").GetBoolean());
        Assert.Equal([$"User '{name}' is now active."], on.ErrorLines);
        Assert.Matches($@"(?m)^\s*{id}\s+{name}\s+Grace Hopper\s+true", on.Stdout);
        Assert.Equal(0, delete.ExitCode);
        Assert.Equal([$"Deleted user '{name}'."], delete.ErrorLines);
        Assert.Equal(1, gone.ExitCode);
        Assert.Equal([$"Error: No user has the user name or id '{name}'."], gone.ErrorLines);
    }

    [Fact]
    public async Task An_obo_token_for_a_service_principal_acts_as_it_until_the_principal_is_deleted()
    {
        var sp = await RunAsync(["service-principals", "create", "--display-name", "cli-bot", "-o", "json"], node.Env());
        Assert.Equal(0, sp.ExitCode);
        var appId = sp.Json().GetProperty("applicationId").GetString()!;
        Assert.True(Guid.TryParse(appId, out _));

        var obo = await RunAsync(["tokens", "create-obo", "--application-id", appId, "--comment", "deploy", "--lifetime-seconds", "600"], node.Env());
        Assert.Equal(0, obo.ExitCode);
        var token = obo.Stdout.Trim();
        Assert.Matches("^mpt_[A-Za-z0-9_-]{43}$", token);
        Assert.Contains($"for service principal '{appId}'", Assert.Single(obo.ErrorLines), StringComparison.Ordinal);

        var whoami = await RunAsync(["whoami"], node.Env(token));
        Assert.Equal(0, whoami.ExitCode);
        Assert.Matches($@"NAME\s+{appId}", whoami.Stdout);
        Assert.Matches(@"KIND\s+service principal", whoami.Stdout);
        var denied = await RunAsync(["users", "create", NewUserName()], node.Env(token));
        Assert.Equal(1, denied.ExitCode);
        Assert.StartsWith("Error: PERMISSION_DENIED: ", Assert.Single(denied.ErrorLines), StringComparison.Ordinal);

        var listed = await RunAsync(["service-principals", "get", appId], node.Env());
        Assert.Matches($@"(?m)^\s*[0-9a-f]{{32}}\s+{appId}\s+cli-bot\s+true", listed.Stdout);
        Assert.Equal(0, (await RunAsync(["service-principals", "delete", appId], node.Env())).ExitCode);
        var after = await RunAsync(["whoami"], node.Env(token));
        Assert.Equal(1, after.ExitCode);
        Assert.StartsWith("Error: UNAUTHENTICATED: ", Assert.Single(after.ErrorLines), StringComparison.Ordinal);

        var unknown = await RunAsync(["tokens", "create-obo", "--application-id", appId], node.Env());
        Assert.Equal(1, unknown.ExitCode);
        Assert.StartsWith("Error: RESOURCE_DOES_NOT_EXIST: ", Assert.Single(unknown.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Groups_take_members_by_name_nest_and_refuse_cycles()
    {
        var user = NewUserName();
        var outer = "outer-" + Guid.NewGuid().ToString("N")[..8];
        var inner = "inner-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(0, (await RunAsync(["users", "create", user, "--display-name", "Member One"], node.Env())).ExitCode);

        var createInner = await RunAsync(["groups", "create", inner, "--member", user], node.Env());
        var createOuter = await RunAsync(["groups", "create", outer], node.Env());
        var add = await RunAsync(["groups", "add-member", outer, inner, "-o", "json"], node.Env());
        var cycle = await RunAsync(["groups", "add-member", inner, outer], node.Env());
        var get = await RunAsync(["groups", "get", outer], node.Env());
        var remove = await RunAsync(["groups", "remove-member", inner, user], node.Env());
        var delete = await RunAsync(["groups", "delete", outer, "-o", "json"], node.Env());

        Assert.Equal(0, createInner.ExitCode);
        Assert.Matches($@"(?m)^\s*[0-9a-f]{{32}}\s+{inner}\s+Member One\s*$", createInner.Stdout);
        Assert.Equal(0, createOuter.ExitCode);
        Assert.Equal(0, add.ExitCode);
        Assert.Equal(inner, add.Json().GetProperty("members")[0].GetProperty("display").GetString());
        Assert.Equal(1, cycle.ExitCode);
        Assert.StartsWith("Error: INVALID_PARAMETER_VALUE: members: ", Assert.Single(cycle.ErrorLines), StringComparison.Ordinal);
        Assert.Matches($@"(?m)^\s*[0-9a-f]{{32}}\s+{outer}\s+{inner}\s*$", get.Stdout);
        Assert.Equal(0, remove.ExitCode);
        Assert.Matches($@"(?m)^\s*[0-9a-f]{{32}}\s+{inner}\s*$", remove.Stdout);
        Assert.Equal("{}", delete.Stdout.Trim());
        var missing = await RunAsync(["groups", "add-member", inner, "nobody-" + Guid.NewGuid()], node.Env());
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("No user, service principal or group is named", Assert.Single(missing.ErrorLines), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Whoami_shows_the_bootstrap_admin_in_the_admins_group()
    {
        var table = await RunAsync(["whoami"], node.Env());
        var json = await RunAsync(["whoami", "-o", "json"], node.Env());

        Assert.Equal(0, table.ExitCode);
        Assert.Matches(@"NAME\s+admin", table.Stdout);
        Assert.Matches(@"GROUPS\s+admins", table.Stdout);
        Assert.Equal("admin", json.Json().GetProperty("userName").GetString());
        Assert.Equal("admins", json.Json().GetProperty("groups")[0].GetProperty("display").GetString());
    }
}
