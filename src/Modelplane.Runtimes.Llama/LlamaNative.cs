using System.Runtime.InteropServices;
using LLama.Native;

namespace Modelplane.Runtimes.Llama;

/// <summary>
/// One-time setup of llama.cpp in this process: sets <c>GGML_NO_BACKTRACE=1</c> (unless already set) so that a
/// <c>GGML_ASSERT</c> abort does not run gdb and print a backtrace to stdout (which a worker uses for its protocol;
/// the worker launcher sets it too), routes llama.cpp's log through a filter that writes only warnings and errors to
/// stderr, and loads the native library (LLamaSharp.Backend.Cpu picks the best AVX level).
/// </summary>
internal static partial class LlamaNative
{
    private static readonly Lock Gate = new();
    private static bool _ready;

    /// <summary>Runs the setup once; later calls return at once.</summary>
    public static void EnsureLoaded()
    {
        lock (Gate)
        {
            if (_ready)
            {
                return;
            }

            if (Environment.GetEnvironmentVariable("GGML_NO_BACKTRACE") is null)
            {
                // .NET keeps its own copy of the environment; native getenv reads libc's, so set both.
                Environment.SetEnvironmentVariable("GGML_NO_BACKTRACE", "1");
                _ = SetEnv("GGML_NO_BACKTRACE", "1", 0);
            }

            try
            {
                NativeLibraryConfig.All.WithLogCallback(Log);
            }
            catch (InvalidOperationException)
            {
                // The native library was loaded already (by other code in this process); llama_log_set below covers it.
            }

            NativeApi.llama_empty_call();
            NativeLogConfig.llama_log_set(Log);
            _ready = true;
        }
    }

    private static void Log(LLamaLogLevel level, string message)
    {
        // Continue compares above Warning and floods "." progress lines; pass exactly Warning and Error.
        if (level is LLamaLogLevel.Warning or LLamaLogLevel.Error)
        {
            Console.Error.Write($"llama.cpp {level}: {message}");
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
