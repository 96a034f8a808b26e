using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Modelplane.Core.Governance;
using Modelplane.Core.Registry;
using Modelplane.Core.Storage;

namespace Modelplane.Core;

/// <summary>
/// Runs before the node accepts requests: creates the data dir (0700), applies EF Core migrations to the store,
/// turns on SQLite's WAL journal, seeds catalog <c>main</c> with schema <c>default</c>, and bootstraps the admin
/// principal and its token file.
/// </summary>
public sealed class NodeInitializer(IServiceScopeFactory scopes, IOptions<ModelplaneOptions> options) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.Value.DataDirFullPath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await RegistrySeeder.SeedAsync(db, scope.ServiceProvider.GetRequiredService<TimeProvider>(), cancellationToken);
        await scope.ServiceProvider.GetRequiredService<TokenService>().BootstrapAdminAsync(cancellationToken);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
