using Microsoft.Extensions.Options;
using Modelplane.Core;
using Modelplane.Sql;

namespace Modelplane.Server.Sql;

/// <summary>
/// The node's SQL settings, bound from <c>Modelplane:Sql</c> (docs/sql-statements.md) and checked at start-up by
/// <see cref="SqlStatementOptionsValidator"/>.
/// </summary>
public sealed class SqlStatementOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Modelplane:Sql";

    /// <summary>Absolute directories statements may read and <c>COPY … TO</c>; default none (no file access at all).
    /// None may be, hold or lie inside the node's data dir.</summary>
    public List<string> AllowedDirectories { get; set; } = [];

    /// <summary>DuckDB's <c>memory_limit</c> per statement. Default <c>1GB</c>.</summary>
    public string MemoryLimit { get; set; } = "1GB";

    /// <summary>DuckDB's <c>threads</c> per statement. Default 2.</summary>
    public int Threads { get; set; } = 2;

    /// <summary>Time limit per statement, counted from when it starts running. Default 10 minutes.</summary>
    public TimeSpan StatementTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Statements running at once; later ones wait <c>PENDING</c>. Default 4.</summary>
    public int MaxConcurrentStatements { get; set; } = 4;

    /// <summary>Statements kept (queued, running or ended) at once; past it a new one is refused with 503. Default 1000.</summary>
    public int MaxStatements { get; set; } = 1000;

    /// <summary>How long an ended statement (and its result) stays readable. Default 1 hour.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>The task functions' chat endpoint (<c>ai_gen</c>, <c>ai_summarize</c>, …); default none.</summary>
    public string? DefaultChatEndpoint { get; set; }

    /// <summary><c>ai_similarity</c>'s embeddings endpoint; default none.</summary>
    public string? DefaultEmbeddingEndpoint { get; set; }

    /// <summary>Rows per model call of the AI functions. Default 512.</summary>
    public int BatchRows { get; set; } = 512;

    /// <summary>Model calls in flight at once per statement. Default 8.</summary>
    public int MaxConcurrentRequests { get; set; } = 8;

    /// <summary>The most result rows a statement keeps in memory (a request's <c>row_limit</c> lowers it); more set
    /// <c>manifest.truncated</c>. Default 100,000.</summary>
    public long MaxResultRows { get; set; } = 100_000;

    /// <summary>The lockdown each statement runs under.</summary>
    public SqlLockdown Lockdown() => new()
    {
        AllowedDirectories = [.. AllowedDirectories.Select(Path.GetFullPath)],
        MemoryLimit = MemoryLimit,
        Threads = Threads,
        Timeout = StatementTimeout,
    };

    /// <summary>The AI functions' settings.</summary>
    public AiFunctionOptions Ai() => new()
    {
        BatchRows = BatchRows,
        MaxConcurrentRequests = MaxConcurrentRequests,
        DefaultChatEndpoint = string.IsNullOrWhiteSpace(DefaultChatEndpoint) ? null : DefaultChatEndpoint,
        DefaultEmbeddingEndpoint = string.IsNullOrWhiteSpace(DefaultEmbeddingEndpoint) ? null : DefaultEmbeddingEndpoint,
    };
}

/// <summary>Refuses <c>Modelplane:Sql</c> settings that would weaken the lockdown or cannot work, naming the key.</summary>
public sealed class SqlStatementOptionsValidator(IOptions<ModelplaneOptions> node) : IValidateOptions<SqlStatementOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SqlStatementOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        var dataDir = Path.TrimEndingDirectorySeparator(node.Value.DataDirFullPath);
        foreach (var dir in options.AllowedDirectories)
        {
            if (!Path.IsPathFullyQualified(dir))
            {
                errors.Add($"{SqlStatementOptions.Section}:AllowedDirectories: '{dir}' must be an absolute path.");
                continue;
            }

            var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(dir));
            if (Within(dataDir, full) || Within(full, dataDir))
            {
                errors.Add($"{SqlStatementOptions.Section}:AllowedDirectories: '{dir}' overlaps the node's data dir '{dataDir}', whose key file, database and tables SQL must never read.");
            }
        }

        Positive(errors, "Threads", options.Threads);
        Positive(errors, "MaxConcurrentStatements", options.MaxConcurrentStatements);
        Positive(errors, "MaxStatements", options.MaxStatements);
        Positive(errors, "BatchRows", options.BatchRows);
        Positive(errors, "MaxConcurrentRequests", options.MaxConcurrentRequests);
        if (options.StatementTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{SqlStatementOptions.Section}:StatementTimeout must be a positive time span such as 00:10:00.");
        }

        if (string.IsNullOrWhiteSpace(options.MemoryLimit))
        {
            errors.Add($"{SqlStatementOptions.Section}:MemoryLimit must be a DuckDB size such as 1GB.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static bool Within(string parent, string path) =>
        path.Equals(parent, StringComparison.Ordinal)
        || path.StartsWith(Path.EndsInDirectorySeparator(parent) ? parent : parent + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static void Positive(List<string> errors, string key, int value)
    {
        if (value < 1)
        {
            errors.Add($"{SqlStatementOptions.Section}:{key} must be at least 1 (got {value}).");
        }
    }
}
