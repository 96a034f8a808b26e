using System.CommandLine;
using System.Text.Json;
using Modelplane.Cli.Configuration;
using Modelplane.Cli.Output;
using Modelplane.Client;

namespace Modelplane.Cli.Commands;

/// <summary>
/// The behaviour every verb shares (Aspire CLI style): the action runs <see cref="ExecuteAsync"/> and turns failures
/// into one line on standard error and an exit code — a node error (<c>Error: RESOURCE_DOES_NOT_EXIST: ...</c>),
/// an unreachable node, a bad file: 1; a usage mistake found while running: 2; Ctrl-C: 130. It also builds the
/// client from the global options and the writer for <c>--output</c>.
/// </summary>
internal abstract class BaseCommand : Command
{
    protected BaseCommand(string name, string description, CliContext context, GlobalOptions globals)
        : base(name, description)
    {
        Context = context;
        Globals = globals;
        SetAction(RunAsync);
    }

    /// <summary>Streams and environment.</summary>
    protected CliContext Context { get; }

    /// <summary>The root's global options.</summary>
    protected GlobalOptions Globals { get; }

    /// <summary>The verb's work; returns the exit code (normally <see cref="ExitCodes.Success"/>).</summary>
    protected abstract Task<int> ExecuteAsync(ParseResult parseResult, CancellationToken cancellationToken);

    /// <summary>A client for the node that the global options, environment and profile name.</summary>
    protected ModelplaneClient CreateClient(ParseResult parseResult)
    {
        var connection = ResolveConnection(parseResult);
        var trusted = connection.CaCertPath is { } ca ? ModelplaneClient.LoadTrustedCertificates(ca) : null;
        return new ModelplaneClient(connection.Host, connection.Token, trusted) { PollDelay = Context.PollDelay ?? ModelplaneClient.BackoffDelay };
    }

    /// <summary>Host, token and CA certificate from flag, environment or profile.</summary>
    protected Connection ResolveConnection(ParseResult parseResult) => ConnectionResolver.Resolve(
        parseResult.GetValue(Globals.Host), parseResult.GetValue(Globals.Token), parseResult.GetValue(Globals.Profile), Context, parseResult.GetValue(Globals.CaCert));

    /// <summary>The writer for the chosen <c>--output</c>.</summary>
    protected OutputWriter CreateOutput(ParseResult parseResult) =>
        new(Context, parseResult.GetValue(Globals.Output) ?? OutputFormats.Table);

    /// <summary>Reads a JSON file the user named into <typeparamref name="T"/>.</summary>
    protected T ReadJsonFile<T>(string path)
    {
        var full = Context.ResolvePath(path);
        try
        {
            return JsonSerializer.Deserialize<T>(File.ReadAllText(full), ModelplaneJson.Options)
                ?? throw new InvalidOperationException($"'{path}' holds 'null', not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"'{path}' is not valid JSON: {e.Message}", e);
        }
    }

    private async Task<int> RunAsync(ParseResult parseResult, CancellationToken cancellationToken)
    {
        try
        {
            return await ExecuteAsync(parseResult, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        catch (CliUsageException e)
        {
            await WriteErrorAsync($"{e.Message} Run '{CliApp.CommandPath(this)} --help' for usage.");
            return ExitCodes.Usage;
        }

        // One line for every failure a user can meet; anything else is a bug and keeps its stack trace.
        catch (Exception e) when (Describe(e, parseResult) is { } line)
        {
            await WriteErrorAsync(line);
            return ExitCodes.Error;
        }
    }

    /// <summary>The one-line description of an expected failure, or null for a bug.</summary>
    private string? Describe(Exception e, ParseResult parseResult) => e switch
    {
        ModelplaneApiException api => $"{api.ErrorCode}: {api.Message}",
        EndpointUpdateFailedException failed => failed.Message + (failed.FailedEntities.Count > 0
            ? $" Run 'modelplane endpoints logs {failed.Endpoint.Name} --served-model {failed.FailedEntities[0]} --build'."
            : ""),
        HttpRequestException { HttpRequestError: not (HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError) } http
            => $"The call to {SafeHost(parseResult)} failed ({http.Message.TrimEnd('.')}).",
        HttpRequestException { HttpRequestError: HttpRequestError.SecureConnectionError } tls =>
            $"Cannot make a trusted TLS connection to {SafeHost(parseResult)} ({Innermost(tls).TrimEnd('.')}). For a node with a self-signed certificate, pass --ca-cert <its PEM> or set MODELPLANE_CA_CERT.",
        HttpRequestException http => $"Cannot reach the node at {SafeHost(parseResult)} ({http.Message.TrimEnd('.')}). Is it running? Start one with 'modelplane serve'.",
        TaskCanceledException => $"The node at {SafeHost(parseResult)} did not answer in time.",
        TimeoutException or IOException or UnauthorizedAccessException or InvalidOperationException or ArgumentException or JsonException => e.Message,
        _ => null,
    };

    private static string Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e.Message;

    private string SafeHost(ParseResult parseResult)
    {
        try
        {
            return ResolveConnection(parseResult).Host.ToString().TrimEnd('/');
        }
        catch (InvalidOperationException)
        {
            return "(unknown host)";
        }
    }

    private async Task WriteErrorAsync(string message)
    {
        await Context.Error.WriteLineAsync("Error: " + message.ReplaceLineEndings(" ").Trim());
        await Context.Error.FlushAsync();
    }
}
