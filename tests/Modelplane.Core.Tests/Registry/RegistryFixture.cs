using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Modelplane.Abstractions;
using Modelplane.Core.Registry;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Tests.Registry;

/// <summary>
/// A registry over a real in-memory SQLite store (connection kept open) and a temporary data dir, wired through
/// <see cref="RegistryServiceCollectionExtensions.AddModelRegistry"/> as the server does.
/// </summary>
internal sealed class RegistryFixture : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly ServiceProvider _provider;
    private readonly IServiceScope _scope;

    public RegistryFixture(Action<ModelplaneOptions>? configure = null, IModelInspector? inspector = null)
    {
        DataDir = Path.Combine(Path.GetTempPath(), "modelplane-registry-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDir);
        Options = new ModelplaneOptions { DataDir = DataDir };
        configure?.Invoke(Options);
        Inspector = inspector ?? new FakeModelInspector();
        _connection = new SqliteConnection("DataSource=:memory:");
        _connection.Open();

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDbContext<ModelplaneDbContext>(o => o.UseSqlite(_connection));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(Options));
        services.AddSingleton<TimeProvider>(Time);
        services.AddSingleton(Inspector);
        services.AddModelRegistry();
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
        _scope = _provider.CreateScope();
        Db.Database.EnsureCreated();
        RegistrySeeder.SeedAsync(Db, Time).GetAwaiter().GetResult();
    }

    public string DataDir { get; }

    public ModelplaneOptions Options { get; }

    public IModelInspector Inspector { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    public ModelplaneDbContext Db => Get<ModelplaneDbContext>();

    public CatalogService Catalogs => Get<CatalogService>();

    public RegisteredModelService Models => Get<RegisteredModelService>();

    public ModelVersionService Versions => Get<ModelVersionService>();

    public ModelAliasService Aliases => Get<ModelAliasService>();

    public ModelVersionRegistrar Registrar => Get<ModelVersionRegistrar>();

    public UploadSpooler Spooler => Get<UploadSpooler>();

    public T Get<T>()
        where T : notnull => _scope.ServiceProvider.GetRequiredService<T>();

    /// <summary>A fresh store context over the same connection (sees only what was saved).</summary>
    public ModelplaneDbContext NewContext() =>
        new(new DbContextOptionsBuilder<ModelplaneDbContext>().UseSqlite(_connection).Options);

    /// <summary>Registers bytes as a version of <paramref name="fullName"/>.</summary>
    public async Task<ModelVersionEntity> RegisterAsync(string fullName, byte[] content, string fileName, string? comment = null)
    {
        using var stream = new MemoryStream(content);
        return await Registrar.RegisterAsync(fullName, stream, fileName, comment, "alice@example.com", CancellationToken.None);
    }

    /// <summary>Every file and folder under the data dir except the SQLite-free <c>tmp</c> root itself.</summary>
    public string[] TempEntries() =>
        Directory.Exists(Path.Combine(DataDir, "tmp"))
            ? Directory.GetFileSystemEntries(Path.Combine(DataDir, "tmp"), "*", SearchOption.AllDirectories)
            : [];

    public void Dispose()
    {
        _scope.Dispose();
        _provider.Dispose();
        _connection.Dispose();
        Directory.Delete(DataDir, recursive: true);
    }
}

/// <summary>An <see cref="IModelInspector"/> that checks the file is inside the root and answers a fixed signature.</summary>
internal sealed class FakeModelInspector : IModelInspector
{
    public static readonly ModelSignature GraphSignature = new(
        SignatureKind.Tensors,
        [new TensorSpec("float_input", TensorDataType.Float32, [-1, 4], SourceType: "tensor(float)")],
        [new TensorSpec("label", TensorDataType.Int64, [-1], SourceType: "tensor(int64)")],
        []);

    public List<(string ModelPath, string RootDir)> Calls { get; } = [];

    public Exception? Throw { get; set; }

    public Task<ModelSignature> InspectAsync(string modelPath, string rootDir, CancellationToken cancellationToken)
    {
        Calls.Add((modelPath, rootDir));
        Assert.True(File.Exists(modelPath), $"inspected model {modelPath} exists");
        Assert.StartsWith(Path.GetFullPath(rootDir), Path.GetFullPath(modelPath), StringComparison.Ordinal);
        return Throw is null ? Task.FromResult(GraphSignature) : Task.FromException<ModelSignature>(Throw);
    }
}
