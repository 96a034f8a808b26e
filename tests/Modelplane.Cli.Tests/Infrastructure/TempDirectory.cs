namespace Modelplane.Cli.Tests.Infrastructure;

/// <summary>A fresh temp folder, deleted with everything in it on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("modelplane-cli-tests-");

    /// <summary>The folder's full path.</summary>
    public string Path => directory.FullName;

    /// <summary>A path inside the folder.</summary>
    public string File(string name) => System.IO.Path.Combine(directory.FullName, name);

    public void Dispose() => directory.Delete(recursive: true);
}
