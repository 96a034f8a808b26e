using Modelplane.Abstractions;

namespace Modelplane.Core.Registry;

/// <summary>
/// The decompression-bomb guard: counts the bytes actually written while extracting (entry headers are never trusted)
/// and the number of entries, and stops as soon as one limit is passed.
/// </summary>
/// <param name="archiveBytes">Size of the archive as uploaded (compressed), in bytes.</param>
/// <param name="maxTotalBytes"><see cref="ModelplaneOptions.MaxExtractedBytes"/>.</param>
/// <param name="maxRatio"><see cref="ModelplaneOptions.MaxCompressionRatio"/>: extracted bytes may not exceed this many times
/// <paramref name="archiveBytes"/>.</param>
internal sealed class ExtractionBudget(long archiveBytes, long maxTotalBytes, int maxRatio)
{
    /// <summary>Most entries (files and folders) one archive may hold; an MLflow model directory has a handful.</summary>
    public const int MaxEntries = 10_000;

    private int _entries;
    private long _decompressed;

    /// <summary>Bytes written so far.</summary>
    public long Written { get; private set; }

    /// <summary>Counts one entry.</summary>
    /// <exception cref="ModelplaneException">400 past <see cref="MaxEntries"/>.</exception>
    public void AddEntry()
    {
        if (++_entries > MaxEntries)
        {
            throw ModelplaneException.InvalidParameter($"file: the archive holds more than {MaxEntries} entries.");
        }
    }

    /// <summary>Counts bytes about to be written.</summary>
    /// <exception cref="ModelplaneException">413 <c>REQUEST_LIMIT_EXCEEDED</c> past the total; 400 <c>INVALID_PARAMETER_VALUE</c>
    /// past the ratio.</exception>
    public void AddBytes(int count)
    {
        Written += count;
        Check(Written);
    }

    /// <summary>
    /// Counts bytes coming out of a decompressor (a <c>.tar.gz</c>'s tar stream, headers included), so that a bomb
    /// hidden in metadata such as a huge pax header is stopped too; the same limits apply.
    /// </summary>
    /// <exception cref="ModelplaneException">As <see cref="AddBytes"/>.</exception>
    public void AddDecompressed(int count)
    {
        _decompressed += count;
        Check(_decompressed);
    }

    private void Check(long bytes)
    {
        if (bytes > maxTotalBytes)
        {
            throw new ModelplaneException(
                ErrorCode.RequestLimitExceeded,
                $"file: the archive expands to more than {maxTotalBytes} bytes (Modelplane:MaxExtractedBytes).",
                statusCode: 413);
        }

        if (bytes > (double)archiveBytes * maxRatio)
        {
            throw ModelplaneException.InvalidParameter(
                $"file: the archive expands to more than {maxRatio} times its size of {archiveBytes} bytes " +
                "(Modelplane:MaxCompressionRatio); it looks like a decompression bomb.");
        }
    }
}
