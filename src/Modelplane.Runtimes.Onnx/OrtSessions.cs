using Microsoft.ML.OnnxRuntime;
using Modelplane.Abstractions;

namespace Modelplane.Runtimes.Onnx;

/// <summary>
/// Creates ONNX Runtime sessions from <see cref="RuntimeOptions"/> for every engine in a process (custom ONNX models
/// and local embedding models): intra-op and inter-op thread counts (at least 1; parallel execution when inter-op is
/// above 1), full graph optimization, fatal-only logging, and with <see cref="RuntimeOptions.ArenaLimitBytes"/> a CPU
/// arena capped at that size registered in ONNX Runtime's environment (<c>session.use_env_allocators</c>), or no arena
/// when ONNX Runtime refuses to register it. The environment holds one CPU arena at a time and a session takes it
/// while it is created, so registration and creation happen under one process-wide lock.
/// </summary>
public static class OrtSessions
{
    private static readonly Lock ArenaLock = new();
    private static OrtMemoryInfo? _registeredArena;

    /// <summary>Creates a session for the model file.</summary>
    /// <param name="modelPath">The .onnx file.</param>
    /// <param name="options">Threads and arena limit.</param>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime refused the file; the caller maps it to its own error.</exception>
    public static InferenceSession Create(string modelPath, RuntimeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = Math.Max(1, options.IntraOpThreads),
            InterOpNumThreads = Math.Max(1, options.InterOpThreads),
            ExecutionMode = options.InterOpThreads > 1 ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        if (options.ArenaLimitBytes is not (> 0 and <= uint.MaxValue))
        {
            return new InferenceSession(modelPath, sessionOptions);
        }

        lock (ArenaLock)
        {
            if (TryRegisterCpuArena((uint)options.ArenaLimitBytes))
            {
                sessionOptions.AddSessionConfigEntry("session.use_env_allocators", "1");
            }
            else
            {
                sessionOptions.EnableCpuMemArena = false;
            }

            return new InferenceSession(modelPath, sessionOptions);
        }
    }

    private static bool TryRegisterCpuArena(uint maxBytes)
    {
        try
        {
            var environment = OrtEnv.Instance();
            if (_registeredArena is { } previous)
            {
                environment.UnregisterAllocator(previous);
                previous.Dispose();
                _registeredArena = null;
            }

            var memoryInfo = new OrtMemoryInfo(OrtMemoryInfo.allocatorCPU, OrtAllocatorType.ArenaAllocator, 0, OrtMemType.Default);
            using var arena = new OrtArenaCfg(maxBytes, arenaExtendStrategy: 1, initialChunkSizeBytes: -1, maxDeadBytesPerChunk: -1);
            try
            {
                environment.CreateAndRegisterAllocator(memoryInfo, arena);
            }
            catch
            {
                memoryInfo.Dispose();
                throw;
            }

            _registeredArena = memoryInfo;
            return true;
        }
        catch (OnnxRuntimeException)
        {
            return false;
        }
    }
}
