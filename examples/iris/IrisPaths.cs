namespace Modelplane.Examples.Iris;

/// <summary>Where the example's data and model directory live in the repository.</summary>
public static class IrisPaths
{
    /// <summary>The repository root: the first folder above the program (or the current folder) holding <c>Modelplane.slnx</c>.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary><c>examples/iris/data/iris.csv</c>.</summary>
    public static string DataFile => Path.Combine(RepoRoot, "examples", "iris", "data", "iris.csv");

    /// <summary><c>examples/iris/model</c>: the committed MLflow model directory.</summary>
    public static string ModelDirectory => Path.Combine(RepoRoot, "examples", "iris", "model");

    private static string FindRepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Modelplane.slnx")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("Modelplane.slnx not found above " + AppContext.BaseDirectory);
    }
}
