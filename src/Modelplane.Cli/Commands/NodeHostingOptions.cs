using System.CommandLine;

namespace Modelplane.Cli.Commands;

/// <summary>The options of the verbs that run a node (<c>serve</c>, <c>quickstart</c>): <c>--port</c>, <c>--data-dir</c>.</summary>
internal sealed class NodeHostingOptions
{
    /// <summary>TCP port; 0 picks a free one.</summary>
    public Option<int> Port { get; } = CreatePort();

    /// <summary>The data dir: registry artifacts, the SQLite store, <c>admin-token</c>.</summary>
    public Option<string> DataDir { get; } = new("--data-dir")
    {
        Description = "Data directory: store, artifacts and admin-token (default ./.modelplane).",
        DefaultValueFactory = _ => ".modelplane",
    };

    /// <summary>
    /// Node configuration that keeps standard output for the command's result: every log line goes to standard error
    /// (ASP.NET Core's console logger writes to standard output by default).
    /// </summary>
    public static readonly string[] LogToStandardError = ["--Logging:Console:LogToStandardErrorThreshold=Trace"];

    /// <summary>As <see cref="LogToStandardError"/>, and only warnings and errors, so the quickstart's examples stay readable.</summary>
    public static readonly string[] QuietLogs =
        [.. LogToStandardError, "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Warning"];

    /// <summary>Adds the options to a verb.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(Port);
        command.Options.Add(DataDir);
    }

    private static Option<int> CreatePort()
    {
        var option = new Option<int>("--port")
        {
            Description = "TCP port to listen on (default 8080; 0 picks a free port).",
            DefaultValueFactory = _ => 8080,
        };
        option.Validators.Add(result =>
        {
            if (CommonArguments.IntToken(result) is < 0 or > 65535)
            {
                result.AddError("--port must be between 0 and 65535.");
            }
        });
        return option;
    }
}
