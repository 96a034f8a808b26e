using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;
using Modelplane.Core.Governance.Identity;

namespace Modelplane.Server.Sql;

/// <summary>
/// The node's statements, in memory: every queued or running one, and ended ones for
/// <see cref="SqlStatementOptions.Retention"/>, at most <see cref="SqlStatementOptions.MaxStatements"/> in all (the
/// oldest ended ones go first). Only the submitter or an admin sees a statement. Disposing cancels those still running.
/// </summary>
public sealed class SqlStatementStore(IOptions<SqlStatementOptions> options, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<string, SqlStatement> statements = new(StringComparer.Ordinal);
    private readonly Lock admit = new();

    /// <summary>Keeps a new statement, making room by dropping expired and then the oldest ended statements.</summary>
    /// <param name="statement">The pending statement.</param>
    /// <exception cref="ModelplaneException">503 <c>TEMPORARILY_UNAVAILABLE</c> when the store is full of statements
    /// that have not ended.</exception>
    public void Add(SqlStatement statement)
    {
        ArgumentNullException.ThrowIfNull(statement);
        var settings = options.Value;
        lock (admit)
        {
            var expired = time.GetUtcNow() - settings.Retention;
            var ended = statements.Values.Where(s => s.EndedAt is not null).OrderBy(s => s.EndedAt).ToList();
            foreach (var old in ended.Where(s => s.EndedAt < expired || statements.Count >= settings.MaxStatements))
            {
                Remove(old);
            }

            if (statements.Count >= settings.MaxStatements)
            {
                throw ModelplaneException.Unavailable(
                    $"The node already holds {settings.MaxStatements} statements that have not ended ({SqlStatementOptions.Section}:MaxStatements); retry later.", 5);
            }

            statements[statement.Id] = statement;
        }
    }

    /// <summary>The statement <paramref name="id"/> if <paramref name="caller"/> submitted it or is an admin.</summary>
    /// <param name="id">The statement id.</param>
    /// <param name="caller">Who asks.</param>
    /// <exception cref="ModelplaneException">404 <c>RESOURCE_DOES_NOT_EXIST</c> for an unknown, expired or someone else's statement.</exception>
    public SqlStatement Get(string id, CallerIdentity caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var expired = time.GetUtcNow() - options.Value.Retention;
        return statements.TryGetValue(id, out var statement) && (statement.OwnerId == caller.PrincipalId || caller.IsAdmin)
            && !(statement.EndedAt < expired)
            ? statement
            : throw ModelplaneException.NotFound($"Statement '{id}' does not exist (statements are kept {options.Value.Retention} after they end).");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var statement in statements.Values)
        {
            statement.RequestCancel();
        }
    }

    private void Remove(SqlStatement statement)
    {
        if (statements.TryRemove(statement.Id, out _))
        {
            statement.Dispose();
        }
    }
}
