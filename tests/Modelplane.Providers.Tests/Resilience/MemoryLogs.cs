using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Modelplane.Providers.Tests.Resilience;

/// <summary>One log entry captured by <see cref="MemoryLogs"/>.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message);

/// <summary>An in-memory <see cref="ILoggerProvider"/> that keeps every entry, for asserting on what was logged.</summary>
public sealed class MemoryLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> entries = new();

    /// <summary>Entries in the order they were written.</summary>
    public IReadOnlyList<LogEntry> Entries => [.. entries];

    /// <summary>Entries with this event id.</summary>
    public IReadOnlyList<LogEntry> WithEvent(int id) => [.. entries.Where(e => e.EventId.Id == id)];

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private sealed class Logger(MemoryLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception)));
    }
}
