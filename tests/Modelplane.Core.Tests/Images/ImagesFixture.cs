using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Modelplane.Core.Images;
using Modelplane.Core.Storage;
using Modelplane.Testing;

namespace Modelplane.Core.Tests.Images;

/// <summary>
/// A temporary folder holding a data dir, a fake worker build and a model version folder (the iris MLflow model plus a
/// nested file), with the image services wired through <see cref="ImagesServiceCollectionExtensions.AddModelImages"/>
/// over a real in-memory SQLite store migrated with the project's migrations.
/// </summary>
internal sealed class ImagesFixture : IDisposable
{
    /// <summary>The fake apphost: a shell script that answers <c>--runtime-info</c> as JSON.</summary>
    public const string ScriptApphost = "#!/bin/sh\necho '{\"id\":\"dev\",\"engine\":\"fake-1.0\",\"protocol_versions\":[1,2]}'\n";

    public const string Signature = """{"kind":"Tensors","inputs":[{"name":"float_input","dataType":"Float32","shape":[-1,4]}],"outputs":[],"params":[]}""";

    private readonly SqliteConnection _connection;
    private readonly ServiceProvider _provider;

    public ImagesFixture(Dictionary<string, string?>? settings = null)
    {
        Root = Path.Combine(Path.GetTempPath(), "modelplane-images-" + Guid.NewGuid().ToString("N"));
        DataDir = Path.Combine(Root, "data");
        WorkerDir = Path.Combine(Root, "worker-build");
        VersionDir = Path.Combine(Root, "models", "main", "default", "iris", "1");
        CreateWorkerBuild(WorkerDir);
        CopyDirectory(Path.Combine(TestData.RepoRoot, "examples", "iris", "model"), VersionDir);
        Directory.CreateDirectory(Path.Combine(VersionDir, "extra"));
        File.WriteAllText(Path.Combine(VersionDir, "extra", "notes.txt"), "nested file\n");

        _connection = new SqliteConnection("DataSource=:memory:");
        _connection.Open();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings ?? []).Build());
        services.AddDbContextFactory<ModelplaneDbContext>(o => o.UseSqlite(_connection));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new ModelplaneOptions { DataDir = DataDir, WorkerPath = WorkerDir }));
        services.AddSingleton<TimeProvider>(Time);
        services.AddModelImages();
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        using var db = NewContext();
        db.Database.Migrate();
    }

    public string Root { get; }

    public string DataDir { get; }

    public string WorkerDir { get; }

    public string VersionDir { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    public RuntimeStore Runtimes => Get<RuntimeStore>();

    public ImageStore Images => Get<ImageStore>();

    public ImageRecords Records => Get<ImageRecords>();

    public ImageCollector Collector => Get<ImageCollector>();

    public ImageSource Source => new()
    {
        VersionDirectory = VersionDir,
        ModelFile = "model.onnx",
        ModelName = "main.default.iris",
        ModelVersion = "1",
        ModelSha256 = new string('a', 64),
        SignatureJson = Signature,
    };

    public T Get<T>()
        where T : notnull => _provider.GetRequiredService<T>();

    public ModelplaneDbContext NewContext() =>
        new(new DbContextOptionsBuilder<ModelplaneDbContext>().UseSqlite(_connection).Options);

    /// <summary>A second runtime store over the same data dir for another worker build (an older or newer node).</summary>
    public RuntimeStore StoreFor(string workerDir, string? dataDir = null) =>
        new(Microsoft.Extensions.Options.Options.Create(new ModelplaneOptions { DataDir = dataDir ?? DataDir, WorkerPath = workerDir }), Time, NullLogger<RuntimeStore>.Instance);

    /// <summary>Builds an image of the fixture's version and returns it with its build log.</summary>
    public async Task<(ModelImage Image, List<string> Log)> BuildAsync(RuntimeInfo? runtime = null, ImageSource? source = null)
    {
        var log = new List<string>();
        var image = await Images.BuildAsync(source ?? Source, runtime ?? Runtimes.Current, log.Add, CancellationToken.None);
        return (image, log);
    }

    /// <summary>A fake worker build: apphost script (0755), dll, runtimeconfig, deps and a native library in a sub-folder.</summary>
    public static void CreateWorkerBuild(string dir, string apphost = ScriptApphost)
    {
        Directory.CreateDirectory(Path.Combine(dir, "runtimes", "linux-x64", "native"));
        File.WriteAllText(Path.Combine(dir, "Modelplane.Worker"), apphost);
        File.SetUnixFileMode(Path.Combine(dir, "Modelplane.Worker"), (UnixFileMode)0b111_101_101);
        File.WriteAllBytes(Path.Combine(dir, "Modelplane.Worker.dll"), [0x4d, 0x5a, 1, 2, 3]);
        File.WriteAllText(Path.Combine(dir, "Modelplane.Worker.deps.json"), "{}");
        File.WriteAllText(
            Path.Combine(dir, "Modelplane.Worker.runtimeconfig.json"),
            """{"runtimeOptions":{"tfm":"net10.0","framework":{"name":"Microsoft.NETCore.App","version":"10.0.0"}}}""");
        File.WriteAllBytes(Path.Combine(dir, "runtimes", "linux-x64", "native", "libonnxruntime.so"), [0x7f, 0x45, 0x4c, 0x46, 9]);
    }

    public static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    public void Dispose()
    {
        _provider.Dispose();
        _connection.Dispose();
        foreach (var dir in Directory.EnumerateDirectories(Root, "*", SearchOption.AllDirectories).Prepend(Root))
        {
            File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);
        }

        Directory.Delete(Root, recursive: true);
    }
}
