namespace Modelplane.Cli;

/// <summary>The CLI's exit codes (issue 2, point 9): scripts rely on them.</summary>
internal static class ExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command failed; one line on standard error says why.</summary>
    public const int Error = 1;

    /// <summary>The command line was wrong (unknown verb or option, missing or conflicting arguments).</summary>
    public const int Usage = 2;

    /// <summary>Interrupted with Ctrl-C before finishing (128 + SIGINT).</summary>
    public const int Interrupted = 130;
}
