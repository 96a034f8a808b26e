using System.Text;
using Microsoft.Extensions.Options;

namespace Modelplane.Core.Endpoints;

/// <summary>
/// Build logs and server logs of served entities, kept as files under <c>&lt;data-dir&gt;/logs/&lt;endpoint-id&gt;/</c>
/// so they survive a restart. Build logs hold what loading a config printed; server logs what the replica printed
/// while serving. Reads return at most the last <see cref="MaxReadBytes"/>.
/// </summary>
public sealed class EndpointLogStore(IOptions<ModelplaneOptions> options, TimeProvider time)
{
    /// <summary>Largest tail returned by a read, in bytes (256 KiB).</summary>
    public const int MaxReadBytes = 256 * 1024;

    private readonly object gate = new();

    /// <summary>Appends a timestamped line to an entity's build log.</summary>
    public void Build(string endpointId, string entity, string line) => Append(endpointId, entity + ".build.log", line);

    /// <summary>Appends a timestamped line to an entity's server log.</summary>
    public void Server(string endpointId, string entity, string line) => Append(endpointId, entity + ".log", line);

    /// <summary>Reads the tail of an entity's build log ("" when none).</summary>
    public string ReadBuild(string endpointId, string entity) => Read(endpointId, entity + ".build.log");

    /// <summary>Reads the tail of an entity's server log ("" when none).</summary>
    public string ReadServer(string endpointId, string entity) => Read(endpointId, entity + ".log");

    /// <summary>Removes an endpoint's logs (on delete).</summary>
    public void Delete(string endpointId)
    {
        var dir = Dir(endpointId);
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private void Append(string endpointId, string file, string line)
    {
        var dir = Dir(endpointId);
        lock (gate)
        {
            Directory.CreateDirectory(dir);
            File.AppendAllText(Path.Combine(dir, file), $"{time.GetUtcNow():yyyy-MM-ddTHH:mm:ss.fffZ} {line}\n", Encoding.UTF8);
        }
    }

    private string Read(string endpointId, string file)
    {
        var path = Path.Combine(Dir(endpointId), file);
        if (!File.Exists(path))
        {
            return "";
        }

        lock (gate)
        {
            using var stream = File.OpenRead(path);
            if (stream.Length > MaxReadBytes)
            {
                stream.Seek(-MaxReadBytes, SeekOrigin.End);
            }

            using var reader = new StreamReader(stream, Encoding.UTF8);
            return reader.ReadToEnd();
        }
    }

    private string Dir(string endpointId) => Path.Combine(options.Value.DataDirFullPath, "logs", endpointId);
}
