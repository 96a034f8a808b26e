using System.Text;

namespace Modelplane.Cli.Commands.Quickstart;

/// <summary>
/// The copy-paste examples <c>modelplane quickstart</c> prints once <c>iris-classifier</c> is READY: a curl call and CLI
/// calls, and an OpenAI embeddings call to <c>arctic-embed-xs</c>, with the node's real URL, the real admin token and the model's own serving input example.
/// </summary>
/// <param name="Url">The node, e.g. <c>http://127.0.0.1:8080</c> (no trailing slash).</param>
/// <param name="Token">The admin token.</param>
/// <param name="TokenFile">Where the token is stored.</param>
/// <param name="Cli">How to run this CLI (the full path of its executable).</param>
/// <param name="Payload">One-line JSON request body.</param>
internal sealed record QuickstartExamples(string Url, string Token, string TokenFile, string Cli, string Payload)
{
    /// <summary>The curl command.</summary>
    public string Curl =>
        $"curl -s {Url}/serving-endpoints/{QuickstartSetup.EndpointName}/invocations \\\n" +
        $"  -H 'Authorization: Bearer {Token}' \\\n" +
        "  -H 'Content-Type: application/json' \\\n" +
        $"  -d '{Quote(Payload)}'";

    /// <summary>An OpenAI embeddings call against the arctic-embed-xs endpoint.</summary>
    public string EmbeddingsCurl =>
        $"curl -s {Url}/serving-endpoints/embeddings \\\n" +
        $"  -H 'Authorization: Bearer {Token}' \\\n" +
        "  -H 'Content-Type: application/json' \\\n" +
        $"  -d '{{\"model\": \"{QuickstartSetup.EmbeddingEndpointName}\", \"input\": [\"The cat sat on the mat.\", \"A feline rested on the rug.\"]}}'";

    /// <summary>The CLI commands, one per line.</summary>
    public string CliCommands =>
        $"export MODELPLANE_HOST={Url}\n" +
        $"export MODELPLANE_TOKEN={Token}\n" +
        $"{Cli} query {QuickstartSetup.EndpointName} --data '{Quote(Payload)}'\n" +
        $"{Cli} endpoints get {QuickstartSetup.EndpointName}\n" +
        $"{Cli} models versions {QuickstartSetup.ModelFullName}";

    /// <summary>The text printed for people.</summary>
    public string ToText(int version)
    {
        var text = new StringBuilder();
        text.Append("\nModelplane is serving '").Append(QuickstartSetup.EndpointName).Append("' (")
            .Append(QuickstartSetup.ModelFullName).Append(" version ").Append(version).Append(") at ").Append(Url).Append(".\n");
        text.Append("Admin token (also in ").Append(TokenFile).Append("):\n  ").Append(Token).Append("\n\n");
        text.Append("Query it with curl:\n").Append(Indent(Curl)).Append("\n\n");
        text.Append("Or with the CLI:\n").Append(Indent(CliCommands)).Append("\n\n");
        text.Append("Embeddings from '").Append(QuickstartSetup.EmbeddingEndpointName).Append("' (")
            .Append(QuickstartSetup.EmbeddingModel).Append(", OpenAI API; SDKs use base URL ").Append(Url).Append("/serving-endpoints):\n")
            .Append(Indent(EmbeddingsCurl)).Append('\n');
        return text.ToString();
    }

    /// <summary>The executable to show in examples: this CLI's apphost when present, else <c>dotnet modelplane.dll</c>.</summary>
    public static string CurrentCli()
    {
        var appHost = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "modelplane.exe" : "modelplane");
        return File.Exists(appHost) ? appHost : $"dotnet {Path.Combine(AppContext.BaseDirectory, "modelplane.dll")}";
    }

    private static string Quote(string text) => text.Replace("'", "'\\''", StringComparison.Ordinal);

    private static string Indent(string text) => "  " + text.Replace("\n", "\n  ", StringComparison.Ordinal);
}
