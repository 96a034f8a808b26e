using Modelplane.Cli.Configuration;

namespace Modelplane.Cli.Tests;

/// <summary>Host and token resolution: flag &gt; environment &gt; profile &gt; defaults, each on its own.</summary>
public sealed class ConnectionTests : IDisposable
{
    private readonly DirectoryInfo home = Directory.CreateTempSubdirectory("modelplane-home-");
    private readonly DirectoryInfo work = Directory.CreateTempSubdirectory("modelplane-work-");

    public void Dispose()
    {
        home.Delete(recursive: true);
        work.Delete(recursive: true);
    }

    private CliContext Context(Dictionary<string, string>? env = null) => new()
    {
        Out = TextWriter.Null,
        Error = TextWriter.Null,
        Environment = env ?? [],
        HomeDirectory = home.FullName,
        WorkingDirectory = work.FullName,
    };

    private void WriteConfig(string text)
    {
        Directory.CreateDirectory(Path.Combine(home.FullName, ".modelplane"));
        File.WriteAllText(Path.Combine(home.FullName, ".modelplane", "config"), text);
    }

    private const string Config = """
        # comment
        [DEFAULT]
        host = http://default-host:1
        token = default-token

        [staging]
        HOST = https://staging:8443
        ; another comment
        token=staging-token
        """;

    [Fact]
    public void Nothing_configured_gives_the_local_default_and_no_token()
    {
        var connection = ConnectionResolver.Resolve(null, null, null, Context());

        Assert.Equal(new Uri("http://127.0.0.1:8080"), connection.Host);
        Assert.Null(connection.Token);
    }

    [Fact]
    public void The_default_profile_applies_without_flags_or_environment()
    {
        WriteConfig(Config);

        var connection = ConnectionResolver.Resolve(null, null, null, Context());

        Assert.Equal(new Uri("http://default-host:1"), connection.Host);
        Assert.Equal("default-token", connection.Token);
    }

    [Fact]
    public void Environment_beats_profile_and_flag_beats_environment_field_by_field()
    {
        WriteConfig(Config);
        var env = new Dictionary<string, string> { ["MODELPLANE_HOST"] = "http://env-host:2", ["MODELPLANE_TOKEN"] = "env-token" };

        var fromEnv = ConnectionResolver.Resolve(null, null, null, Context(env));
        var mixed = ConnectionResolver.Resolve("http://flag-host:3", null, null, Context(env));

        Assert.Equal(new Uri("http://env-host:2"), fromEnv.Host);
        Assert.Equal("env-token", fromEnv.Token);
        Assert.Equal(new Uri("http://flag-host:3"), mixed.Host);
        Assert.Equal("env-token", mixed.Token);
    }

    [Fact]
    public void A_named_profile_is_read_with_case_insensitive_keys()
    {
        WriteConfig(Config);

        var connection = ConnectionResolver.Resolve(null, "flag-token", "staging", Context());

        Assert.Equal(new Uri("https://staging:8443"), connection.Host);
        Assert.Equal("flag-token", connection.Token);
    }

    [Fact]
    public void The_profile_can_come_from_the_environment_and_the_file_from_MODELPLANE_CONFIG_FILE()
    {
        var file = Path.Combine(work.FullName, "other.cfg");
        File.WriteAllText(file, "[ci]\nhost = ci-host:9000\ntoken = ci-token\n");
        var env = new Dictionary<string, string> { ["MODELPLANE_CONFIG_FILE"] = file, ["MODELPLANE_PROFILE"] = "ci" };

        var connection = ConnectionResolver.Resolve(null, null, null, Context(env));

        Assert.Equal(new Uri("http://ci-host:9000"), connection.Host);
        Assert.Equal("ci-token", connection.Token);
    }

    [Fact]
    public void A_missing_named_profile_is_an_error_naming_it()
    {
        WriteConfig(Config);

        var error = Assert.Throws<InvalidOperationException>(() => ConnectionResolver.Resolve(null, null, "prod", Context()));

        Assert.Contains("'prod'", error.Message);
    }

    [Fact]
    public void The_quickstart_admin_token_in_the_working_directory_is_the_last_resort()
    {
        Directory.CreateDirectory(Path.Combine(work.FullName, ".modelplane"));
        File.WriteAllText(Path.Combine(work.FullName, ".modelplane", "admin-token"), "local-token\n");

        Assert.Equal("local-token", ConnectionResolver.Resolve(null, null, null, Context()).Token);
        Assert.Equal("env", ConnectionResolver.Resolve(null, null, null, Context(new() { ["MODELPLANE_TOKEN"] = "env" })).Token);
    }

    [Theory]
    [InlineData("ftp://host")]
    [InlineData("http://")]
    public void A_host_that_is_not_an_http_url_is_refused(string host)
    {
        Assert.Throws<InvalidOperationException>(() => ConnectionResolver.ParseHost(host));
    }

    [Fact]
    public async Task A_bad_profile_exits_1_with_one_error_line()
    {
        var result = await Infrastructure.CliRun.RunAsync(["endpoints", "list", "--profile", "nope"], home: home.FullName);

        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.ErrorLines);
        Assert.StartsWith("Error: Profile 'nope' not found", result.ErrorLines[0]);
    }
}
