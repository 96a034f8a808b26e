using System.Globalization;
using DuckDB.NET.Data;

namespace Modelplane.Sql;

/// <summary>
/// Applies a <see cref="SqlLockdown"/> to a connection, in this order (DuckDB refuses most of these once external access
/// is off or the configuration is locked): <c>allowed_directories</c> (DuckDB 1.3+: directories that stay readable and
/// writable, by path prefix at a directory boundary, when external access is disabled) → <c>enable_external_access =
/// false</c> (no other file, no <c>ATTACH</c>, no <c>INSTALL</c>, no loading extension files) →
/// <c>autoinstall_known_extensions</c> / <c>autoload_known_extensions</c> / <c>allow_community_extensions = false</c> →
/// <c>memory_limit</c>, <c>threads</c> → <c>lock_configuration = true</c> (every later <c>SET</c>/<c>RESET</c> fails
/// with "the configuration has been locked"). Built-in extensions (json, parquet) keep working. The time limit
/// (<see cref="SqlLockdown.Timeout"/>) is the runner's: it cancels the statement, which DuckDB.NET interrupts.
/// </summary>
public static class SqlLockdownSettings
{
    /// <summary>Applies the lockdown; does nothing when <paramref name="lockdown"/> is null or the connection is already locked.</summary>
    /// <param name="connection">The session's connection.</param>
    /// <param name="lockdown">The node's lockdown, or null (the CLI).</param>
    /// <exception cref="SqlException">A setting DuckDB refuses (a relative directory, a bad memory limit), naming it.</exception>
    public static void Apply(DuckDBConnection connection, SqlLockdown? lockdown)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (lockdown is null || IsLocked(connection))
        {
            return;
        }

        if (lockdown.AllowedDirectories.Count > 0)
        {
            if (lockdown.AllowedDirectories.FirstOrDefault(d => !Path.IsPathFullyQualified(d)) is { } relative)
            {
                throw new SqlException($"The SQL lockdown's allowed directory '{relative}' must be an absolute path.");
            }

            Run(connection, $"SET allowed_directories = [{string.Join(", ", lockdown.AllowedDirectories.Select(Quote))}]");
        }

        Run(connection, "SET enable_external_access = false");
        Run(connection, "SET autoinstall_known_extensions = false");
        Run(connection, "SET autoload_known_extensions = false");
        Run(connection, "SET allow_community_extensions = false");
        Run(connection, $"SET memory_limit = {Quote(lockdown.MemoryLimit)}");
        Run(connection, $"SET threads = {lockdown.Threads.ToString(CultureInfo.InvariantCulture)}");
        Run(connection, $"SET max_temp_directory_size = {Quote(lockdown.MaxTempDirectorySize)}"); // Spill to disk: bounded.
        Run(connection, "SET lock_configuration = true");
    }

    private static bool IsLocked(DuckDBConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT current_setting('lock_configuration')";
        return command.ExecuteScalar() is true;
    }

    private static string Quote(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static void Run(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        try
        {
            command.ExecuteNonQuery();
        }
        catch (DuckDBException e)
        {
            throw new SqlException($"The SQL lockdown could not apply '{sql}': {e.Message.Trim()}", e);
        }
    }
}
