namespace Modelplane.Cli;

/// <summary>A usage mistake found while running (e.g. no query body given): exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);
