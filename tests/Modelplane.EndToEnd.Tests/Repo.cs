namespace Modelplane.EndToEnd.Tests;

/// <summary>Paths in the repository and to the CLI the project reference built.</summary>
internal static class Repo
{
    private static readonly Lazy<string> RootLazy = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Modelplane.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Modelplane.slnx not found above " + AppContext.BaseDirectory);
    });

    /// <summary>The repository root.</summary>
    public static string Root => RootLazy.Value;

    /// <summary>A path under the repository root.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>
    /// <c>modelplane.dll</c> as built with this test project: same configuration, framework and runtime folders
    /// (<c>bin/Debug/net10.0/linux-x64/</c>) under <c>src/Modelplane.Cli</c>.
    /// </summary>
    public static string CliDll
    {
        get
        {
            var testProject = PathOf("tests", "Modelplane.EndToEnd.Tests");
            var outputSuffix = Path.GetRelativePath(testProject, AppContext.BaseDirectory);
            var dll = Path.GetFullPath(Path.Combine(PathOf("src", "Modelplane.Cli"), outputSuffix, "modelplane.dll"));
            return File.Exists(dll) ? dll : throw new FileNotFoundException("The CLI was not built next to the tests.", dll);
        }
    }

    /// <summary>The worker build that building the CLI places beside it (<c>&lt;cli output&gt;/worker</c>): the node's default runtime.</summary>
    public static string WorkerBuildDir
    {
        get
        {
            var dir = Path.Combine(Path.GetDirectoryName(CliDll)!, "worker");
            return File.Exists(Path.Combine(dir, "Modelplane.Worker"))
                ? dir
                : throw new DirectoryNotFoundException($"No worker build (Modelplane.Worker apphost) at '{dir}'.");
        }
    }
}
