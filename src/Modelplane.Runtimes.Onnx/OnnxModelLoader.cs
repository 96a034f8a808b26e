using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Modelplane.Abstractions;
using Modelplane.Runtimes.Onnx.Outline;

namespace Modelplane.Runtimes.Onnx;

/// <summary>
/// Loads a model file into an <see cref="OnnxLoadedModel"/>: reads the graph's outline (ONNX IR ModelProto, skipping
/// weights), creates the ORT session from the file path (so external data resolves beside it), then derives and checks the
/// signature. Every failure becomes a one-line <c>INVALID_PARAMETER_VALUE</c>. With
/// <see cref="RuntimeOptions.ArenaLimitBytes"/>, the session uses a CPU arena capped at that size, registered in ONNX
/// Runtime's environment (<c>session.use_env_allocators</c>); without an arena when ONNX Runtime refuses to register it.
/// </summary>
internal static class OnnxModelLoader
{
    /// <summary>Operator domains ONNX Runtime's CPU build implements; any other domain needs a custom-op library.</summary>
    private static readonly HashSet<string> BuiltInDomains = new(StringComparer.Ordinal)
    {
        string.Empty, "ai.onnx", "ai.onnx.ml", "ai.onnx.preview.training", "com.microsoft", "com.microsoft.nchwc",
        "com.microsoft.experimental", "com.ms.internal.nhwc",
    };

    /// <summary>Guards the environment's CPU arena from registration to session creation.</summary>
    private static readonly Lock ArenaLock = new();

    /// <summary>The memory info of the CPU arena registered in the environment, or null.</summary>
    private static OrtMemoryInfo? _registeredArena;

    /// <summary>Loads the model; see <see cref="OnnxModelRuntime.LoadAsync"/> for the refusals.</summary>
    public static OnnxLoadedModel Load(string modelPath, RuntimeOptions options, CancellationToken cancellationToken)
    {
        var outline = ReadOutline(modelPath);
        cancellationToken.ThrowIfCancellationRequested();
        var session = CreateSession(modelPath, options, outline);
        try
        {
            return new OnnxLoadedModel(session, OnnxSignatureBuilder.Build(session, outline), modelPath);
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Reads IR version, opsets, node operators and graph inputs/outputs without copying initializer bytes.</summary>
    public static ModelOutline ReadOutline(string modelPath)
    {
        var fileName = Path.GetFileName(modelPath);
        if (!File.Exists(modelPath))
        {
            throw ModelplaneException.InvalidParameter($"Model file '{fileName}' does not exist.");
        }

        ModelOutline outline;
        try
        {
            using var stream = File.OpenRead(modelPath);
            outline = ModelOutline.Parser.WithDiscardUnknownFields(true).ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new ModelplaneException(ErrorCode.InvalidParameterValue,
                $"Model '{fileName}' is not a valid ONNX file: {OrtMessageText.Clean(ex.Message, modelPath)}", inner: ex);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ModelplaneException(ErrorCode.InvalidParameterValue, $"Model file '{fileName}' cannot be read: {ex.Message}", inner: ex);
        }

        if (outline.Graph is null)
        {
            throw ModelplaneException.InvalidParameter($"Model '{fileName}' is not a valid ONNX file: it holds no graph.");
        }

        return outline;
    }

    private static InferenceSession CreateSession(string modelPath, RuntimeOptions options, ModelOutline outline)
    {
        using var sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = Math.Max(1, options.IntraOpThreads),
            InterOpNumThreads = Math.Max(1, options.InterOpThreads),
            ExecutionMode = options.InterOpThreads > 1 ? ExecutionMode.ORT_PARALLEL : ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL,
        };
        try
        {
            if (options.ArenaLimitBytes is > 0 and <= uint.MaxValue)
            {
                // The environment holds one CPU arena at a time and a session takes it while it is created: swap in one
                // with this limit and create the session under the same lock.
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

            return new InferenceSession(modelPath, sessionOptions);
        }
        catch (OnnxRuntimeException ex)
        {
            var reason = OrtMessageText.Clean(ex.Message, modelPath);
            var custom = outline.Graph.Node.FirstOrDefault(n => !BuiltInDomains.Contains(n.Domain));
            if (custom is not null && ex.Message.Contains(custom.OpType, StringComparison.Ordinal))
            {
                reason = $"operator '{custom.OpType}' is from the custom domain '{custom.Domain}', which needs a custom-operator " +
                    $"library Modelplane does not load ({reason})";
            }

            throw OrtErrors.LoadFailed(modelPath, reason, ex);
        }
    }

    /// <summary>
    /// Registers, in ONNX Runtime's environment, a CPU arena allocator that grows by what each allocation asks
    /// (<c>kSameAsRequested</c>) up to <paramref name="maxBytes"/>, replacing the one registered before (the sessions
    /// created with that one keep it). False when ONNX Runtime refuses; the caller then runs without an arena.
    /// </summary>
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
