namespace Modelplane.Testing;

/// <summary>Locates the repository's own test data (<c>tests/testdata</c>), copied from shared/ with a NOTICE.</summary>
public static class TestData
{
    private static readonly Lazy<string> RepoRootLazy = new(FindRepoRoot);

    /// <summary>The repository root (the folder holding <c>Modelplane.slnx</c>).</summary>
    public static string RepoRoot => RepoRootLazy.Value;

    /// <summary><c>tests/testdata</c>.</summary>
    public static string Root => Path.Combine(RepoRoot, "tests", "testdata");

    /// <summary>A path under <c>tests/testdata</c>.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Modelplane.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Modelplane.slnx not found above " + AppContext.BaseDirectory);
    }
}
