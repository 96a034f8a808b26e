using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Modelplane.Core.Governance;
using Modelplane.Core.Storage;

namespace Modelplane.Core.Tests.Governance;

public sealed class TokenValidatorTests : IDisposable
{
    private readonly SqliteConnection connection = new("DataSource=:memory:");
    private readonly ServiceProvider provider;
    private readonly FakeTimeProvider time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    private readonly string dataDir = Path.Combine(Path.GetTempPath(), "modelplane-tokens-" + Guid.NewGuid().ToString("N"));

    public TokenValidatorTests()
    {
        connection.Open();
        Directory.CreateDirectory(dataDir);
        var services = new ServiceCollection();
        services.AddDbContext<ModelplaneDbContext>(o => o.UseSqlite(connection));
        services.AddSingleton(Microsoft.Extensions.Options.Options.Create(new ModelplaneOptions { DataDir = dataDir }));
        services.AddSingleton<TimeProvider>(time);
        services.AddScoped<TokenService>();
        services.AddMemoryCache();
        services.AddSingleton<TokenValidator>();
        provider = services.BuildServiceProvider();
        using var scope = provider.CreateScope();
        scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>().Database.EnsureCreated();
    }

    public void Dispose()
    {
        provider.Dispose();
        connection.Dispose();
        Directory.Delete(dataDir, recursive: true);
    }

    [Fact]
    public async Task Bootstrap_WritesAnAdminTokenFile0600_ThatValidates_AndStoresOnlyItsHash()
    {
        using var scope = provider.CreateScope();
        await scope.ServiceProvider.GetRequiredService<TokenService>().BootstrapAdminAsync(CancellationToken.None);
        var file = Path.Combine(dataDir, TokenService.AdminTokenFile);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        var token = (await File.ReadAllTextAsync(file)).Trim();
        var principal = await provider.GetRequiredService<TokenValidator>().ValidateAsync(token, CancellationToken.None);
        Assert.True(principal!.IsAdmin);
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        Assert.DoesNotContain(await db.Tokens.Select(t => t.Sha256).ToListAsync(), h => h.Contains(token, StringComparison.Ordinal));
        Assert.Equal(TokenService.Hash(token), Assert.Single(await db.Tokens.ToListAsync()).Sha256);
    }

    [Fact]
    public async Task ExpiredToken_IsRefused_EvenWhenItWasCached()
    {
        var (token, principalId) = await MintAsync(TimeSpan.FromSeconds(10));
        var validator = provider.GetRequiredService<TokenValidator>();
        Assert.Equal(principalId, (await validator.ValidateAsync(token, CancellationToken.None))!.Id);
        time.Advance(TimeSpan.FromSeconds(11));
        Assert.Null(await validator.ValidateAsync(token, CancellationToken.None));
    }

    [Fact]
    public async Task RevokedToken_IsRefusedAfterEviction()
    {
        var (token, _) = await MintAsync(null);
        var validator = provider.GetRequiredService<TokenValidator>();
        Assert.NotNull(await validator.ValidateAsync(token, CancellationToken.None));
        using (var scope = provider.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>().Tokens.ExecuteDeleteAsync();
        }

        Assert.NotNull(await validator.ValidateAsync(token, CancellationToken.None));
        validator.Evict(TokenService.Hash(token));
        Assert.Null(await validator.ValidateAsync(token, CancellationToken.None));
        Assert.Null(await validator.ValidateAsync("mpt_unknown", CancellationToken.None));
    }

    private async Task<(string Token, string PrincipalId)> MintAsync(TimeSpan? lifetime)
    {
        using var scope = provider.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<ModelplaneDbContext>();
        var principal = new PrincipalEntity { Id = Guid.NewGuid().ToString("N"), Name = "u" + Guid.NewGuid().ToString("N") };
        db.Principals.Add(principal);
        await db.SaveChangesAsync();
        var (value, _) = await scope.ServiceProvider.GetRequiredService<TokenService>().CreateAsync(principal.Id, null, lifetime, CancellationToken.None);
        return (value, principal.Id);
    }
}
