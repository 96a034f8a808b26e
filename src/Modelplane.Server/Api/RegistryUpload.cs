using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Modelplane.Abstractions;
using Modelplane.Core;
using Modelplane.Core.Governance.Permissions;
using Modelplane.Core.Registry;

namespace Modelplane.Server.Api;

/// <summary>
/// <c>POST /api/2.1/unity-catalog/models/{full_name}/versions</c> (Modelplane's extension): a
/// <c>multipart/form-data</c> body with field <c>file</c> (a <c>.onnx</c>, or a <c>.zip</c>/<c>.tar</c>/<c>.tar.gz</c>/
/// <c>.tgz</c> of an MLflow model directory) and optional field <c>comment</c>, in any order. The body is read with
/// <see cref="MultipartReader"/> so the file streams to disk (<see cref="UploadSpooler"/>) and is never held whole;
/// form binding is not used. The request's body limit is raised to <c>MaxUploadBytes</c> plus
/// <see cref="EnvelopeBytes"/> for this route only. Needs CAN_EDIT on the model, or CAN_CREATE_MODEL on its schema when
/// the upload creates the model (whose creator then gets CAN_MANAGE).
/// </summary>
internal static class RegistryUpload
{
    /// <summary>Room for the multipart envelope (boundaries, part headers, the comment) above <c>MaxUploadBytes</c>.</summary>
    public const long EnvelopeBytes = 1024 * 1024;

    private const int MaxCommentBytes = 64 * 1024;

    /// <summary>Handles the upload and answers the new version.</summary>
    /// <exception cref="ModelplaneException">400 for a body that is not multipart or lacks <c>file</c>, 413 past the
    /// limits, and every error of <see cref="ModelVersionRegistrar"/>.</exception>
    public static async Task<ModelVersionInfo> HandleAsync(
        string fullName,
        HttpContext context,
        ModelVersionRegistrar registrar,
        UploadSpooler spooler,
        IOptions<ModelplaneOptions> options,
        CancellationToken cancellationToken)
    {
        var limit = options.Value.MaxUploadBytes + EnvelopeBytes;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit;
        }

        if (context.Request.ContentLength > limit)
        {
            throw new ModelplaneException(
                ErrorCode.RequestLimitExceeded, $"The upload is larger than {options.Value.MaxUploadBytes} bytes (Modelplane:MaxUploadBytes).", 413);
        }

        var target = await registrar.CheckTargetAsync(fullName, cancellationToken);
        var creates = await context.RequireVersionTargetAsync(target);
        var reader = new MultipartReader(Boundary(context.Request.ContentType), context.Request.Body);
        SpooledUpload? upload = null;
        try
        {
            string? comment = null;
            while (await ReadSectionAsync(reader, cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.DispositionType.Equals("form-data", StringComparison.OrdinalIgnoreCase))
                {
                    throw ModelplaneException.BadRequest("Every multipart part needs 'Content-Disposition: form-data; name=...'.");
                }

                switch (HeaderUtilities.RemoveQuotes(disposition.Name).Value)
                {
                    case "file" when upload is not null:
                        throw ModelplaneException.InvalidParameter("file: send one file per request.");
                    case "file":
                        var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                        upload = await spooler.SpoolAsync(new ClientBodyStream(section.Body), Path.GetFileName(fileName), cancellationToken);
                        break;
                    case "comment":
                        comment = await ReadTextAsync(new ClientBodyStream(section.Body), cancellationToken);
                        break;
                }
            }

            if (upload is null)
            {
                throw ModelplaneException.InvalidParameter("file is required: a multipart/form-data field 'file' holding the model.");
            }

            var version = await registrar.RegisterAsync(fullName, upload, comment, context.User.Identity?.Name, cancellationToken);
            if (creates)
            {
                await context.RequestServices.GetRequiredService<ObjectPermissionsService>()
                    .GrantCreatorAsync(PermissionLevels.RegisteredModels, target.FullName, context.CallerIdentity(), cancellationToken);
            }

            return version.ToInfo(null);
        }
        finally
        {
            upload?.Dispose();
        }
    }

    private static string Boundary(string? contentType)
    {
        if (!MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            throw ModelplaneException.BadRequest($"Content-Type must be multipart/form-data with a 'file' field, not '{contentType}'.");
        }

        var boundary = HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value;
        return string.IsNullOrEmpty(boundary) || boundary.Length > 70
            ? throw ModelplaneException.BadRequest("Content-Type multipart/form-data needs a boundary of 1 to 70 characters.")
            : boundary;
    }

    private static async Task<MultipartSection?> ReadSectionAsync(MultipartReader reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.ReadNextSectionAsync(cancellationToken);
        }
        catch (BadHttpRequestException)
        {
            throw;
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw ModelplaneException.BadRequest($"The multipart body is malformed or was cut short: {e.Message}");
        }
    }

    private static async Task<string> ReadTextAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxCommentBytes)
            {
                throw ModelplaneException.InvalidParameter($"comment is longer than {MaxCommentBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// A multipart section's body as the registry reads it: a malformed or truncated body (the parser's
    /// <see cref="IOException"/>/<see cref="InvalidDataException"/>) is the client's fault, 400; Kestrel's own
    /// <see cref="BadHttpRequestException"/> (e.g. 413 past the body limit) passes through to the error handler.
    /// </summary>
    private sealed class ClientBodyStream(Stream inner) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Read asynchronously.");

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            try
            {
                return await inner.ReadAsync(buffer, cancellationToken);
            }
            catch (BadHttpRequestException)
            {
                throw;
            }
            catch (Exception e) when (e is IOException or InvalidDataException)
            {
                throw ModelplaneException.BadRequest($"The upload body is malformed or was cut short: {e.Message}");
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
