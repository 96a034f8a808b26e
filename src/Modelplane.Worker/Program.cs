using System.Runtime.InteropServices;
using Modelplane.Abstractions;
using Modelplane.Worker;
using Modelplane.Worker.Protocol;

// Modelplane.Worker: one replica. Loads the image's model once, warms it up, serves the node on a Unix socket.
// stdout carries "READY <runtime-id>" (or "FAILED <error_code> <message>") for the node; logs go to stderr.
// Exit codes: 0 stopped, 1 crashed, 2 bad command line, 3 the model cannot be loaded.
WorkerArguments arguments;
try
{
    arguments = WorkerArguments.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"error: {ex.Message}");
    Console.Error.WriteLine(WorkerArguments.Usage);
    return 2;
}

if (arguments.RuntimeInfo)
{
    Console.WriteLine(RuntimeIdentity.Describe());
    return 0;
}

// Disposed when Main returns, after the drain: flushes the spans still batched.
using var tracing = WorkerTracing.Start(arguments.ReplicaId);
var runtimeId = RuntimeIdentity.ReadRuntimeId();
WorkerLog.Info($"Modelplane.Worker {arguments.ReplicaId}: pid {Environment.ProcessId}, runtime {runtimeId}, " +
    $"image {arguments.ImageDirectory}");

LoadedEngine engine;
try
{
    var manifest = ImageManifest.Read(arguments.ImageDirectory);
    WorkerLog.Info($"Loading {manifest.ModelName} version {manifest.ModelVersion} ({manifest.Flavor}) from {manifest.ModelPath}");
    var options = new RuntimeOptions { IntraOpThreads = arguments.IntraOpThreads, ArenaLimitBytes = arguments.ArenaLimitBytes };
    engine = await LoadedEngine.LoadAsync(manifest, options);
}
catch (Exception ex) when (ex is ModelplaneException or InvalidDataException)
{
    var code = ex is ModelplaneException mp ? mp.ErrorCode : ErrorCode.InvalidParameterValue;
    WorkerLog.Error($"Cannot load the model: {ex.Message}");
    Console.WriteLine($"FAILED {code} {ex.Message.ReplaceLineEndings(" ")}");
    return 3;
}

using (engine)
{
    await engine.WarmUpAsync();
    var hello = new WorkerHello(WorkerProtocol.Version, runtimeId, engine.Name, Environment.ProcessId, engine.Model?.Signature);
    using var server = new WorkerServer(engine, hello, arguments.SocketPath, arguments.ParentPid);

    // SIGTERM drains like a Shutdown frame. SIGINT (Ctrl+C in the node's terminal reaches the whole process group) is
    // ignored: the node drains its replicas itself, and the parent check ends the worker if the node dies.
    using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        server.BeginDrain("SIGTERM");
    });
    using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => context.Cancel = true);

    server.Start();
    Console.WriteLine($"READY {runtimeId}");
    var exitCode = await server.Stopped;
    return exitCode;
}
