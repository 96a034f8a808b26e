using System.Globalization;

namespace Modelplane.Core.Images;

/// <summary>
/// A content-addressed folder of the data dir (<c>images/</c> or <c>runtimes/</c>): one sub-folder per id, built in
/// <c>.staging/&lt;random&gt;</c> and renamed into place (same file system, so a bundle appears whole or not at all),
/// and <c>.unreferenced/&lt;id&gt;</c> marker files holding the ISO-8601 time the collector first found a bundle
/// unreferenced. Publishing and deleting take one lock, so a bundle reused by a build is never deleted under it.
/// </summary>
internal sealed class ContentDirectory(string root)
{
    private readonly Lock _gate = new();

    /// <summary>The folder, absolute.</summary>
    public string Root { get; } = root;

    private string StagingRoot => Path.Combine(Root, ".staging");

    private string MarkerRoot => Path.Combine(Root, ".unreferenced");

    /// <summary>The folder of a bundle (which may not exist).</summary>
    public string PathOf(string id) => Path.Combine(Root, id);

    /// <summary>Ids of the bundles present, sorted.</summary>
    public List<string> ListIds() =>
        Directory.Exists(Root)
            ? [.. Directory.EnumerateDirectories(Root).Select(d => Path.GetFileName(d)).Where(ContentFiles.IsId).Order(StringComparer.Ordinal)]
            : [];

    /// <summary>Creates a fresh, empty staging folder.</summary>
    public string NewStaging() => Directory.CreateDirectory(Path.Combine(StagingRoot, Guid.NewGuid().ToString("N"))).FullName;

    /// <summary>
    /// Renames a complete staging folder to <c>&lt;root&gt;/&lt;id&gt;</c> and makes that folder 0555; when the bundle
    /// exists already, the staging folder is deleted instead. Either way the bundle's unreferenced marker is cleared.
    /// </summary>
    /// <returns>True when the staging folder became the bundle, false when an existing bundle is reused.</returns>
    public bool Publish(string staging, string id)
    {
        var target = PathOf(id);
        lock (_gate)
        {
            ClearMarker(id);
            if (!Directory.Exists(target))
            {
                try
                {
                    Directory.Move(staging, target);
                    File.SetUnixFileMode(target, ContentFiles.ReadOnlyDirectory);
                    return true;
                }
                catch (IOException) when (Directory.Exists(target))
                {
                    // Another node on a shared data dir published the same bundle first.
                }
            }
        }

        ContentFiles.DeleteTree(staging);
        return false;
    }

    /// <summary>When the bundle was first found unreferenced; records <paramref name="now"/> if this is the first time.</summary>
    public DateTimeOffset FirstSeenUnreferenced(string id, DateTimeOffset now)
    {
        var marker = Path.Combine(MarkerRoot, id);
        if (File.Exists(marker) && DateTimeOffset.TryParse(File.ReadAllText(marker).Trim(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var seen))
        {
            return seen;
        }

        Directory.CreateDirectory(MarkerRoot);
        File.WriteAllText(marker, now.ToString("O", CultureInfo.InvariantCulture));
        return now;
    }

    /// <summary>Forgets that a bundle was unreferenced (it is referenced again, or was just reused).</summary>
    public void ClearMarker(string id)
    {
        if (Directory.Exists(MarkerRoot))
        {
            File.Delete(Path.Combine(MarkerRoot, id));
        }
    }

    /// <summary>Whether a marker exists for the bundle (for tests and logs).</summary>
    public bool HasMarker(string id) => File.Exists(Path.Combine(MarkerRoot, id));

    /// <summary>
    /// Deletes a bundle if its marker still says it has been unreferenced since <paramref name="dueBy"/> or earlier
    /// (a build that reused it in the meantime cleared the marker), then the marker.
    /// </summary>
    /// <returns>True when the bundle was deleted.</returns>
    public bool DeleteIfUnreferencedSince(string id, DateTimeOffset dueBy)
    {
        lock (_gate)
        {
            var marker = Path.Combine(MarkerRoot, id);
            if (!File.Exists(marker)
                || !DateTimeOffset.TryParse(File.ReadAllText(marker).Trim(), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var seen)
                || seen > dueBy)
            {
                return false;
            }

            ContentFiles.DeleteTree(PathOf(id));
            File.Delete(marker);
            return true;
        }
    }

    /// <summary>Deletes markers of bundles that no longer exist.</summary>
    public void PruneMarkers(IReadOnlySet<string> present)
    {
        if (!Directory.Exists(MarkerRoot))
        {
            return;
        }

        foreach (var marker in Directory.EnumerateFiles(MarkerRoot))
        {
            if (!present.Contains(Path.GetFileName(marker)))
            {
                File.Delete(marker);
            }
        }
    }

    /// <summary>Deletes staging folders last written before <paramref name="before"/> (builds that died half-way).</summary>
    /// <returns>How many were deleted.</returns>
    public int RemoveStaleStaging(DateTimeOffset before)
    {
        if (!Directory.Exists(StagingRoot))
        {
            return 0;
        }

        var removed = 0;
        foreach (var dir in Directory.EnumerateDirectories(StagingRoot))
        {
            if (Directory.GetLastWriteTimeUtc(dir) < before.UtcDateTime)
            {
                ContentFiles.DeleteTree(dir);
                removed++;
            }
        }

        return removed;
    }
}
