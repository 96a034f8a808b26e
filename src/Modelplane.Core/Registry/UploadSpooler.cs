using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;

namespace Modelplane.Core.Registry;

/// <summary>
/// Streams an upload to a temporary file under <c>&lt;DataDir&gt;/tmp/</c>, never holding it whole in memory, with its
/// own size limit (<see cref="ModelplaneOptions.MaxUploadBytes"/>) and the SHA-256 computed on the way.
/// </summary>
public sealed class UploadSpooler(ModelStorage storage, IOptions<ModelplaneOptions> options)
{
    private const int BufferSize = 81920;

    /// <summary>Copies <paramref name="content"/> to a temporary file.</summary>
    /// <param name="content">The upload body (read to its end, not disposed).</param>
    /// <param name="fileName">The client's file name, if any; used only as a hint and recorded as the source.</param>
    /// <param name="cancellationToken">Cancels the copy; the temporary file is removed.</param>
    /// <returns>The spooled upload; dispose it to delete the file.</returns>
    /// <exception cref="ModelplaneException">413 <c>REQUEST_LIMIT_EXCEEDED</c> past <c>MaxUploadBytes</c>; 400 when the
    /// upload is empty or of no accepted format. The temporary file is removed in both cases.</exception>
    public async Task<SpooledUpload> SpoolAsync(Stream content, string? fileName, CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxUploadBytes;
        var path = storage.NewTempPath("upload");
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var header = new byte[ArtifactFormats.HeaderLength];
        var headerLength = 0;
        long total = 0;
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, useAsync: true))
            {
                int read;
                while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), cancellationToken)) > 0)
                {
                    total += read;
                    if (total > limit)
                    {
                        throw new ModelplaneException(
                            ErrorCode.RequestLimitExceeded,
                            $"file is larger than the upload limit of {limit} bytes (Modelplane:MaxUploadBytes).",
                            statusCode: 413);
                    }

                    var toHeader = Math.Min(read, header.Length - headerLength);
                    buffer.AsSpan(0, toHeader).CopyTo(header.AsSpan(headerLength));
                    headerLength += toHeader;
                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                }
            }

            var format = ArtifactFormats.Detect(header.AsSpan(0, headerLength), fileName);
            var sha256 = Convert.ToHexStringLower(hash.GetHashAndReset());
            return new SpooledUpload(path, fileName, total, sha256, format);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
