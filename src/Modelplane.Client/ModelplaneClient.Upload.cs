using System.Net.Http.Headers;

namespace Modelplane.Client;

/// <summary>Registering a model version by upload (Modelplane's extension of the Unity Catalog API).</summary>
public sealed partial class ModelplaneClient
{
    /// <summary>
    /// <c>POST /api/2.1/unity-catalog/models/{full_name}/versions</c> as <c>multipart/form-data</c>: field <c>file</c>
    /// holds a <c>.onnx</c> file, a <c>.zip</c>/<c>.tar.gz</c> of an MLflow model directory, or (when
    /// <paramref name="path"/> is a directory) the directory zipped on the fly and streamed; field <c>comment</c> is
    /// optional. The node creates the model when missing and numbers the version from 1.
    /// </summary>
    /// <param name="fullName"><c>catalog.schema.model</c>.</param>
    /// <param name="path">A file or an MLflow model directory.</param>
    /// <param name="comment">Free text, or null.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    /// <returns>The new version (its <c>sha256</c>, <c>flavor</c>, <c>signature</c>).</returns>
    /// <exception cref="FileNotFoundException"><paramref name="path"/> is neither a file nor a directory.</exception>
    /// <exception cref="ModelplaneApiException">The node refused the model (e.g. 400 naming an unservable flavor).</exception>
    public async Task<ModelVersion> CreateModelVersionAsync(string fullName, string path, string? comment = null, CancellationToken cancellationToken = default)
    {
        ModelName.Split(fullName);
        HttpContent fileContent;
        string fileName;
        if (Directory.Exists(path))
        {
            fileContent = new ZipDirectoryContent(path);
            fileName = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path))) + ".zip";
        }
        else if (File.Exists(path))
        {
            fileContent = new StreamContent(File.OpenRead(path), 81920);
            fileContent.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            fileName = Path.GetFileName(path);
        }
        else
        {
            throw new FileNotFoundException($"Model path '{path}' is neither a file nor a directory.", path);
        }

        using var form = new MultipartFormDataContent();
        form.Add(fileContent, "file", fileName);
        if (!string.IsNullOrEmpty(comment))
        {
            form.Add(new StringContent(comment), "comment");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, $"{ModelPath(fullName)}/versions") { Content = form };
        return await ReadJsonAsync<ModelVersion>(request, cancellationToken);
    }
}
