using DuckDB.NET.Data;

namespace Modelplane.Sql;

/// <summary>Applies a <see cref="SqlLockdown"/> to a connection (DuckDB settings, then <c>lock_configuration</c>).</summary>
public static class SqlLockdownSettings
{
    /// <summary>Applies the lockdown; does nothing when <paramref name="lockdown"/> is null.</summary>
    /// <param name="connection">The session's connection.</param>
    /// <param name="lockdown">The node's lockdown, or null (the CLI).</param>
    public static void Apply(DuckDBConnection connection, SqlLockdown? lockdown)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (lockdown is null)
        {
            return;
        }

        // TODO(helper): allowed_directories, enable_external_access=false, autoinstall/autoload off, memory_limit, threads, lock_configuration.
        throw new NotSupportedException("The SQL lockdown is not built yet.");
    }
}
