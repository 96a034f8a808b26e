using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Modelplane.Core.Storage;

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without a host (SQLite, a throwaway file).</summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<ModelplaneDbContext>
{
    /// <inheritdoc />
    public ModelplaneDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<ModelplaneDbContext>().UseSqlite("Data Source=design-time.db").Options);
}
