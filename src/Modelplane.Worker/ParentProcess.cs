using System.Runtime.InteropServices;

namespace Modelplane.Worker;

/// <summary>The parent process id, from libc's <c>getppid(2)</c>: when the node dies, the worker is re-parented and this changes.</summary>
internal static partial class ParentProcess
{
    /// <summary>The current parent pid.</summary>
    public static int Id => GetParentPid();

    [LibraryImport("libc", EntryPoint = "getppid")]
    private static partial int GetParentPid();
}
