using Microsoft.EntityFrameworkCore;

namespace Modelplane.Core.Storage;

/// <summary>
/// The control-plane store (DESIGN.md §6): registry, endpoints and their config versions, principals and token hashes.
/// SQLite in the data dir by default. Schema changes go through EF Core migrations (<c>Storage/Migrations</c>).
/// </summary>
public sealed class ModelplaneDbContext(DbContextOptions<ModelplaneDbContext> options) : DbContext(options)
{
    /// <summary>Catalogs.</summary>
    public DbSet<CatalogEntity> Catalogs => Set<CatalogEntity>();
    /// <summary>Schemas.</summary>
    public DbSet<SchemaEntity> Schemas => Set<SchemaEntity>();
    /// <summary>Registered models.</summary>
    public DbSet<RegisteredModelEntity> Models => Set<RegisteredModelEntity>();
    /// <summary>Model versions.</summary>
    public DbSet<ModelVersionEntity> ModelVersions => Set<ModelVersionEntity>();
    /// <summary>Aliases.</summary>
    public DbSet<ModelAliasEntity> ModelAliases => Set<ModelAliasEntity>();
    /// <summary>Serving endpoints.</summary>
    public DbSet<EndpointEntity> Endpoints => Set<EndpointEntity>();
    /// <summary>Endpoint config versions.</summary>
    public DbSet<EndpointConfigEntity> EndpointConfigs => Set<EndpointConfigEntity>();
    /// <summary>Model versions referenced by endpoint configs.</summary>
    public DbSet<ServedVersionRefEntity> ServedVersionRefs => Set<ServedVersionRefEntity>();
    /// <summary>Images built for the served entities of endpoint config versions.</summary>
    public DbSet<ServedEntityImageEntity> ServedEntityImages => Set<ServedEntityImageEntity>();
    /// <summary>Principals.</summary>
    public DbSet<PrincipalEntity> Principals => Set<PrincipalEntity>();
    /// <summary>Token hashes.</summary>
    public DbSet<TokenEntity> Tokens => Set<TokenEntity>();
    /// <summary>SCIM groups.</summary>
    public DbSet<GroupEntity> Groups => Set<GroupEntity>();
    /// <summary>Direct group memberships.</summary>
    public DbSet<GroupMemberEntity> GroupMembers => Set<GroupMemberEntity>();
    /// <summary>Direct permission grants.</summary>
    public DbSet<PermissionGrantEntity> PermissionGrants => Set<PermissionGrantEntity>();
    /// <summary>Audit log.</summary>
    public DbSet<AuditEntity> Audit => Set<AuditEntity>();
    /// <summary>Secret scopes.</summary>
    public DbSet<SecretScopeEntity> SecretScopes => Set<SecretScopeEntity>();
    /// <summary>Encrypted secrets.</summary>
    public DbSet<SecretEntity> Secrets => Set<SecretEntity>();
    /// <summary>The master-key check value (one row).</summary>
    public DbSet<SecretKeyCheckEntity> SecretKeyChecks => Set<SecretKeyCheckEntity>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CatalogEntity>().HasKey(e => e.Name);
        modelBuilder.Entity<SchemaEntity>().HasKey(e => e.FullName);
        modelBuilder.Entity<SchemaEntity>().HasIndex(e => e.CatalogName);
        modelBuilder.Entity<RegisteredModelEntity>().HasKey(e => e.FullName);
        modelBuilder.Entity<RegisteredModelEntity>().HasIndex(e => new { e.CatalogName, e.SchemaName });
        modelBuilder.Entity<ModelVersionEntity>().HasIndex(e => new { e.ModelFullName, e.Version }).IsUnique();
        modelBuilder.Entity<ModelAliasEntity>().HasKey(e => new { e.ModelFullName, e.Alias });
        modelBuilder.Entity<EndpointEntity>().HasKey(e => e.Id);
        modelBuilder.Entity<EndpointEntity>().HasIndex(e => e.Name).IsUnique();
        modelBuilder.Entity<EndpointConfigEntity>().HasKey(e => new { e.EndpointId, e.Version });
        modelBuilder.Entity<ServedVersionRefEntity>().HasKey(e => new { e.EndpointId, e.ConfigVersion, e.ModelFullName, e.Version });
        modelBuilder.Entity<ServedVersionRefEntity>().HasIndex(e => new { e.ModelFullName, e.Version });
        modelBuilder.Entity<ServedEntityImageEntity>().HasKey(e => new { e.EndpointId, e.ConfigVersion, e.ServedEntityName });
        modelBuilder.Entity<ServedEntityImageEntity>().HasIndex(e => e.ImageId);
        modelBuilder.Entity<PrincipalEntity>().HasKey(e => e.Id);
        modelBuilder.Entity<PrincipalEntity>().HasIndex(e => e.Name).IsUnique();
        modelBuilder.Entity<TokenEntity>().HasKey(e => e.Id);
        modelBuilder.Entity<TokenEntity>().HasIndex(e => e.Sha256).IsUnique();
        modelBuilder.Entity<GroupEntity>().HasKey(e => e.Id);
        modelBuilder.Entity<GroupEntity>().HasIndex(e => e.DisplayName).IsUnique();
        modelBuilder.Entity<GroupMemberEntity>().HasKey(e => new { e.GroupId, e.MemberId });
        modelBuilder.Entity<GroupMemberEntity>().HasIndex(e => e.MemberId);
        modelBuilder.Entity<PermissionGrantEntity>().HasKey(e => new { e.ObjectType, e.ObjectId, e.GranteeId });
        modelBuilder.Entity<PermissionGrantEntity>().HasIndex(e => e.GranteeId);
        modelBuilder.Entity<AuditEntity>().HasKey(e => e.Id);
        modelBuilder.Entity<AuditEntity>().HasIndex(e => e.Time);
    }
}
