using System.IO.Compression;
using System.Text.Json;
using Modelplane.Cli.Tests.Infrastructure;

namespace Modelplane.Cli.Tests;

/// <summary><c>modelplane models ...</c> against a loopback fake node.</summary>
public sealed class ModelCommandTests : IAsyncLifetime
{
    private const string Models = "/api/2.1/unity-catalog/models";
    private const string Iris = Models + "/main.default.iris";
    private FakeNode node = null!;
    private readonly DirectoryInfo temp = Directory.CreateTempSubdirectory("modelplane-models-");

    public async Task InitializeAsync() => node = await FakeNode.StartAsync();

    public async Task DisposeAsync()
    {
        await node.DisposeAsync();
        temp.Delete(recursive: true);
    }

    [Fact]
    public async Task Register_a_directory_streams_it_as_a_zip_of_its_files()
    {
        var dir = Directory.CreateDirectory(Path.Combine(temp.FullName, "iris"));
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, "MLmodel"), "flavors:\n  onnx: {}\n");
        Directory.CreateDirectory(Path.Combine(dir.FullName, "sub"));
        await File.WriteAllBytesAsync(Path.Combine(dir.FullName, "sub", "model.onnx"), [1, 2, 3]);
        await File.WriteAllTextAsync(Path.Combine(dir.FullName, ".DS_Store"), "junk");
        node.OnJson("POST", Iris + "/versions", Canned.ModelVersion);

        var result = await CliRun.RunAsync(["models", "register", dir.FullName, "--name", "main.default.iris", "--comment", "first", "-o", "json"], CliRun.EnvFor(node));

        Assert.Equal(0, result.ExitCode);
        var request = Assert.Single(node.RequestsTo("POST", Iris + "/versions"));
        var (fileName, content) = request.Files["file"];
        Assert.Equal("iris.zip", fileName);
        Assert.Equal("first", request.Fields["comment"]);
        using var zip = new ZipArchive(new MemoryStream(content));
        Assert.Equal(["MLmodel", "sub/model.onnx"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        Assert.Equal(1, result.Json().GetProperty("version").GetInt32());
        Assert.Equal("onnx", result.Json().GetProperty("flavor").GetString());
    }

    [Fact]
    public async Task Register_a_file_with_an_alias_uploads_it_then_sets_the_alias()
    {
        var file = Path.Combine(temp.FullName, "model.onnx");
        await File.WriteAllBytesAsync(file, [8, 0, 1]);
        node.OnJson("POST", Iris + "/versions", Canned.ModelVersion);
        node.OnJson("PUT", Iris + "/aliases/champion", """{"alias_name":"champion","version_num":1}""");
        node.OnJson("GET", Iris + "/versions/1", Canned.ModelVersion.Replace("\"aliases\": []", "\"aliases\": [{\"alias_name\":\"champion\",\"version_num\":1}]", StringComparison.Ordinal));

        var result = await CliRun.RunAsync(["models", "register", file, "--name", "main.default.iris", "--alias", "champion", "-o", "json"], CliRun.EnvFor(node));

        Assert.Equal(0, result.ExitCode);
        var (fileName, content) = Assert.Single(node.RequestsTo("POST", Iris + "/versions")).Files["file"];
        Assert.Equal("model.onnx", fileName);
        Assert.Equal([8, 0, 1], content);
        using var alias = JsonDocument.Parse(Assert.Single(node.RequestsTo("PUT", Iris + "/aliases/champion")).Body);
        Assert.Equal(1, alias.RootElement.GetProperty("version_num").GetInt32());
        Assert.Equal("champion", result.Json().GetProperty("aliases")[0].GetProperty("alias_name").GetString());
    }

    [Fact]
    public async Task Register_a_missing_path_exits_1()
    {
        var result = await CliRun.RunAsync(["models", "register", Path.Combine(temp.FullName, "nope"), "--name", "main.default.iris"], CliRun.EnvFor(node));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("neither a file nor a directory", result.Stderr);
        Assert.Empty(node.Requests);
    }

    [Fact]
    public async Task List_passes_catalog_and_schema_and_prints_the_api_shape()
    {
        node.OnJson("GET", Models, Canned.RegisteredModels);

        var json = await CliRun.RunAsync(["models", "list", "--catalog", "main", "--schema", "default", "-o", "json"], CliRun.EnvFor(node));
        var table = await CliRun.RunAsync(["models", "list"], CliRun.EnvFor(node));

        Assert.Equal("?catalog_name=main&schema_name=default", node.RequestsTo("GET", Models)[0].Query);
        Assert.Equal("main.default.iris", json.Json().GetProperty("registered_models")[0].GetProperty("full_name").GetString());
        Assert.Contains("@champion=1", table.Stdout);
    }

    [Fact]
    public async Task Versions_lists_all_or_shows_one()
    {
        node.OnJson("GET", Iris + "/versions", $$"""{"model_versions":[{{Canned.ModelVersion}}]}""");
        node.OnJson("GET", Iris + "/versions/1", Canned.ModelVersion);

        var all = await CliRun.RunAsync(["models", "versions", "main.default.iris", "-o", "json"], CliRun.EnvFor(node));
        var one = await CliRun.RunAsync(["models", "versions", "main.default.iris", "1", "-o", "json"], CliRun.EnvFor(node));
        var table = await CliRun.RunAsync(["models", "versions", "main.default.iris"], CliRun.EnvFor(node));

        Assert.Equal(1, all.Json().GetProperty("model_versions").GetArrayLength());
        Assert.Equal("abcdef0123456789abcdef", one.Json().GetProperty("sha256").GetString());
        Assert.Contains("abcdef012345", table.Stdout);
        Assert.Contains("3.1 KB", table.Stdout);
    }

    [Fact]
    public async Task Alias_sets_shows_and_deletes()
    {
        node.OnJson("PUT", Iris + "/aliases/champion", """{"alias_name":"champion","version_num":2}""");
        node.OnJson("GET", Iris + "/aliases/champion", Canned.ModelVersion);
        node.On("DELETE", Iris + "/aliases/champion", new Reply(200, "{}"));

        var set = await CliRun.RunAsync(["models", "alias", "main.default.iris", "champion", "2", "-o", "json"], CliRun.EnvFor(node));
        var show = await CliRun.RunAsync(["models", "alias", "main.default.iris", "champion", "-o", "json"], CliRun.EnvFor(node));
        var delete = await CliRun.RunAsync(["models", "alias", "main.default.iris", "champion", "--delete", "-o", "json"], CliRun.EnvFor(node));

        Assert.Equal(2, set.Json().GetProperty("version_num").GetInt32());
        Assert.Equal(1, show.Json().GetProperty("version").GetInt32());
        Assert.Equal(0, delete.ExitCode);
        Assert.Single(node.RequestsTo("DELETE", Iris + "/aliases/champion"));
    }

    [Fact]
    public async Task Delete_removes_a_version_or_the_model()
    {
        node.On("DELETE", Iris + "/versions/3", new Reply(200, ""));
        node.On("DELETE", Iris, new Reply(200, ""));

        var version = await CliRun.RunAsync(["models", "delete", "main.default.iris", "--version", "3"], CliRun.EnvFor(node));
        var model = await CliRun.RunAsync(["models", "delete", "main.default.iris"], CliRun.EnvFor(node));

        Assert.Equal((0, 0), (version.ExitCode, model.ExitCode));
        Assert.Contains("Deleted main.default.iris version 3.", version.Stderr);
        Assert.Single(node.RequestsTo("DELETE", Iris));
    }
}
