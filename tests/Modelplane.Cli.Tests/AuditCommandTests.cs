using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Modelplane.Cli.Commands.Audit;
using Modelplane.Cli.Tests.Infrastructure;
using Modelplane.Core.Governance;
using Modelplane.Core.Governance.Audit;
using Modelplane.Core.Storage;

namespace Modelplane.Cli.Tests;

/// <summary>A real node on loopback with a non-admin user, for <see cref="AuditCommandTests"/>.</summary>
public sealed class AuditNodeFixture() : RealNodeFixture("modelplane-cli-audit-")
{
    /// <summary>Makes the non-admin user and returns a token of theirs.</summary>
    public async Task<string> CreateUserTokenAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        var user = new PrincipalEntity { Id = Guid.NewGuid().ToString("N"), Name = $"cli-auditee-{Guid.NewGuid():N}@example.com", IsAdmin = false };
        db.Principals.Add(user);
        await db.SaveChangesAsync();
        var (token, _) = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(user.Id, "cli auditee", null, default);
        return token;
    }

    /// <summary>Waits until every queued audit entry is saved.</summary>
    public Task FlushAsync() => Services.GetRequiredService<AuditLog>().FlushAsync();
}

/// <summary><c>modelplane audit</c> run in-process against a real node over loopback HTTP.</summary>
public sealed class AuditCommandTests(AuditNodeFixture node) : IClassFixture<AuditNodeFixture>
{
    [Fact]
    public async Task Changes_and_denials_are_listed_as_json_and_as_a_table_and_filters_apply()
    {
        var comment = "audit-cli-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(0, (await CliRun.RunAsync(["tokens", "create", "--comment", comment], node.Env())).ExitCode);
        Assert.Equal(1, (await CliRun.RunAsync(["tokens", "list"], node.Env("mpt_wrong"))).ExitCode);
        await node.FlushAsync();

        var json = await CliRun.RunAsync(["audit", "--since", "10m", "--limit", "1000", "-o", "json"], node.Env());
        var table = await CliRun.RunAsync(["audit", "--since", "10m", "--limit", "1000"], node.Env());
        var denied = await CliRun.RunAsync(["audit", "--result", "denied", "-o", "json"], node.Env());
        var byAdmin = await CliRun.RunAsync(["audit", "--principal", "admin", "-o", "json"], node.Env());

        Assert.Equal(0, json.ExitCode);
        var entries = json.Json().GetProperty("entries").EnumerateArray().ToList();
        var create = Assert.Single(entries, e => e.TryGetProperty("details", out var d) && d.TryGetProperty("body", out var b) && b.TryGetProperty("comment", out var c) && c.GetString() == comment);
        Assert.Equal(("admin", "POST", "/api/2.0/token/create", 200, "success"),
            (create.GetProperty("principal").GetString(), create.GetProperty("method").GetString(), create.GetProperty("path").GetString(), create.GetProperty("status_code").GetInt32(), create.GetProperty("result").GetString()));
        Assert.Contains(entries, e => e.GetProperty("path").GetString() == "/api/2.0/token/list" && e.GetProperty("status_code").GetInt32() == 401 && !e.TryGetProperty("principal", out _));
        Assert.Equal(0, table.ExitCode);
        Assert.Matches(@"TIME\s+PRINCIPAL\s+METHOD\s+PATH\s+STATUS\s+RESULT\s+REQUEST ID", table.Stdout);
        Assert.Matches(@"(?m)^\s*\d{4}-\d{2}-\d{2}T\S+Z\s+admin\s+POST\s+/api/2\.0/token/create\s+200\s+success\s+\S+\s*$", table.Stdout);
        Assert.Matches(@"(?m)^\s*\S+Z\s+-\s+GET\s+/api/2\.0/token/list\s+401\s+denied\s+\S+\s*$", table.Stdout);
        Assert.All(denied.Json().GetProperty("entries").EnumerateArray(), e => Assert.Equal("denied", e.GetProperty("result").GetString()));
        Assert.NotEmpty(denied.Json().GetProperty("entries").EnumerateArray());
        Assert.All(byAdmin.Json().GetProperty("entries").EnumerateArray(), e => Assert.Equal("admin", e.GetProperty("principal").GetString()));
    }

    [Fact]
    public async Task A_non_admin_exits_1_with_permission_denied()
    {
        var result = await CliRun.RunAsync(["audit"], node.Env(await node.CreateUserTokenAsync()));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal(["Error: PERMISSION_DENIED: Only workspace admins may read the audit log."], result.ErrorLines);
    }

    [Theory]
    [InlineData("audit --since yesterday", "--since 'yesterday' is neither an ISO-8601 time")]
    [InlineData("audit --result ok", "ok")]
    public async Task Usage_mistakes_exit_2(string line, string message)
    {
        var result = await CliRun.RunAsync(line.Split(' '), node.Env());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.ErrorLines[0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_limit_the_node_refuses_exits_1_naming_it()
    {
        var result = await CliRun.RunAsync(["audit", "--limit", "0"], node.Env());

        Assert.Equal(1, result.ExitCode);
        Assert.Matches(new Regex("^Error: INVALID_PARAMETER_VALUE: limit must be a whole number from 1 to 1000"), Assert.Single(result.ErrorLines));
    }

    [Theory]
    [InlineData("90s", -90)]
    [InlineData("30m", -30 * 60)]
    [InlineData("2h", -2 * 3600)]
    [InlineData("1d", -86400)]
    [InlineData("2026-01-31T12:00:00Z", null)]
    public void Since_takes_an_age_or_an_iso_time(string text, int? offsetSeconds)
    {
        var now = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

        var since = AuditCommand.ParseSince(text, now);

        Assert.Equal(offsetSeconds is { } s ? now.AddSeconds(s) : new DateTimeOffset(2026, 1, 31, 12, 0, 0, TimeSpan.Zero), since);
    }
}
