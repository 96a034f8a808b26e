namespace Modelplane.Worker;

/// <summary>Plain log lines on stderr (<c>info: …</c>), which the node forwards to the served entity's logs.</summary>
internal static class WorkerLog
{
    public static void Info(string message) => Write("info", message);

    public static void Warn(string message) => Write("warn", message);

    public static void Error(string message) => Write("error", message);

    /// <summary>One line per message: newlines inside a message become spaces.</summary>
    private static void Write(string level, string message) =>
        Console.Error.WriteLine($"{level}: {message.ReplaceLineEndings(" ")}");
}
