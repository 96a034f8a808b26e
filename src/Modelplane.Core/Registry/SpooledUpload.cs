namespace Modelplane.Core.Registry;

/// <summary>
/// An upload written to a temporary file in the data dir by <see cref="UploadSpooler"/>. Disposing it deletes the file
/// unless the registry has taken it (<see cref="Take"/>).
/// </summary>
public sealed class SpooledUpload : IDisposable
{
    private string? _path;

    internal SpooledUpload(string path, string? fileName, long length, string sha256, ArtifactFormat format)
    {
        _path = path;
        FileName = fileName;
        Length = length;
        Sha256 = sha256;
        Format = format;
    }

    /// <summary>Absolute path of the temporary file.</summary>
    /// <exception cref="ObjectDisposedException">The file was deleted or taken.</exception>
    public string Path => _path ?? throw new ObjectDisposedException(nameof(SpooledUpload));

    /// <summary>The client's file name (recorded as the version's <c>source</c>), if any.</summary>
    public string? FileName { get; }

    /// <summary>Bytes received.</summary>
    public long Length { get; }

    /// <summary>Hex SHA-256 (lower-case) of the bytes received, computed while streaming.</summary>
    public string Sha256 { get; }

    /// <summary>The format detected from the first bytes.</summary>
    public ArtifactFormat Format { get; }

    /// <summary>Hands the file over: from now on the caller owns (moves or deletes) it and disposal leaves it alone.</summary>
    internal string Take()
    {
        var path = Path;
        _path = null;
        return path;
    }

    /// <summary>Deletes the temporary file if it is still owned.</summary>
    public void Dispose()
    {
        var path = Interlocked.Exchange(ref _path, null);
        if (path is not null)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException)
            {
                // Left in tmp/; nothing refers to it.
            }
        }
    }
}
