using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Modelplane.Abstractions;

namespace Modelplane.Providers.Egress;

/// <summary>
/// The node's egress policy (<see cref="EgressOptions"/>), applied twice: at config time to each provider URL
/// (<see cref="CheckConfigUrl"/>) and at connect time by the upstream HTTP client's <c>ConnectCallback</c>
/// (<see cref="ConnectAsync"/>), which checks the host name, resolves it, checks every address and connects only to an
/// address it checked (so DNS cannot change between check and connect). Rules:
/// <list type="bullet">
/// <item>Every mode: a link-local or metadata address (<see cref="EgressAddresses"/>) is refused unless an exact entry
/// of <see cref="EgressOptions.AllowedInternetDestinations"/> names the host or the address; dry run does not relax this.</item>
/// <item><c>RESTRICTED_ACCESS</c>: the host as written in the URL (name or IP literal, not what it resolves to) and the
/// port must match an entry; with <see cref="EgressOptions.DryRun"/> a mismatch is logged ("would refuse") and allowed.</item>
/// </list>
/// Refusals throw (<see cref="ModelplaneException"/> 400 at config time, <see cref="EgressDeniedException"/> at connect
/// time) and are logged as warnings. Singleton; follows configuration reloads for new connections (pooled connections
/// live at most <c>PooledConnectionLifetime</c>, 5 minutes). User guide: <c>docs/egress.md</c>.
/// </summary>
public sealed partial class EgressPolicy
{
    private readonly IOptionsMonitor<EgressOptions> options;
    private readonly ILogger<EgressPolicy> logger;
    private Rules? rules;

    /// <summary>Creates the policy; reads (and so validates) the options at once.</summary>
    /// <exception cref="OptionsValidationException">The options are invalid; the message names the key.</exception>
    public EgressPolicy(IOptionsMonitor<EgressOptions> options, ILogger<EgressPolicy> logger)
    {
        this.options = options;
        this.logger = logger;
        _ = Current;
    }

    /// <summary>True when the policy is <c>RESTRICTED_ACCESS</c> (with or without dry run).</summary>
    public bool IsRestricted => Current.Restricted;

    private Rules Current
    {
        get
        {
            var source = options.CurrentValue;
            var current = rules;
            if (current is null || !ReferenceEquals(current.Source, source))
            {
                rules = current = Rules.From(source);
            }

            return current;
        }
    }

    /// <summary>
    /// Config-time check of a provider URL (no DNS lookup: host names are checked as written, IP literals as addresses).
    /// In dry run, what the allow-list would refuse is logged and accepted.
    /// </summary>
    /// <param name="url">The provider URL, e.g. <c>openai_api_base</c>'s value.</param>
    /// <param name="field">The field path for the message, e.g. <c>served_entities[0].external_model.openai_config.openai_api_base</c>.</param>
    /// <exception cref="ModelplaneException">400 <c>INVALID_PARAMETER_VALUE</c> naming <paramref name="field"/>: not an
    /// absolute http(s) URL, or not allowed by the policy.</exception>
    public void CheckConfigUrl(Uri url, string field)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
        {
            var scheme = url.IsAbsoluteUri ? $"has scheme '{url.Scheme}'" : "is not an absolute URL";
            throw ModelplaneException.InvalidParameter($"{field} must be an absolute http or https URL; it {scheme}.");
        }

        var host = EgressDestination.NormalizeHost(url.IdnHost);
        var literal = EgressDestination.LiteralOf(host);
        var decision = Evaluate(host, url.Port, literal is null ? [] : [literal]);
        var shown = $"{url.Scheme}://{url.Authority}";
        switch (decision.Verdict)
        {
            case EgressVerdict.Refused:
                var current = Current;
                throw ModelplaneException.InvalidParameter(
                    $"{field} '{shown}' is not allowed by the node's egress policy ({current.Mode}; allowed: {current.AllowedText}): {decision.Reason}.");
            case EgressVerdict.WouldRefuse:
                LogConfigWouldRefuse(logger, field, shown, decision.Reason!);
                break;
        }
    }

    /// <summary>
    /// The pure decision for a destination: <paramref name="host"/> as written (any case, brackets allowed),
    /// <paramref name="port"/>, and the addresses it resolves to (empty when not resolved yet). A refused address wins
    /// over the allow-list; one refused address refuses the destination.
    /// </summary>
    public EgressDecision Evaluate(string host, int port, IReadOnlyList<IPAddress> addresses)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        var current = Current;
        var name = EgressDestination.NormalizeHost(host);
        var literal = EgressDestination.LiteralOf(name);
        foreach (var address in literal is null ? addresses : addresses.Append(literal))
        {
            if (EgressAddresses.RefusalReason(address) is { } reason
                && !current.Destinations.Any(d => d.NamesExplicitly(name, literal, address, port)))
            {
                return new EgressDecision(EgressVerdict.Refused, $"{reason} is refused in every mode unless {EgressOptions.SectionName}:AllowedInternetDestinations names it exactly", address);
            }
        }

        if (current.Restricted && !current.Destinations.Any(d => d.Matches(name, literal, port)))
        {
            var reason = $"{name}:{port} is not in {EgressOptions.SectionName}:AllowedInternetDestinations ({EgressOptions.RestrictedAccess})";
            return new EgressDecision(current.DryRun ? EgressVerdict.WouldRefuse : EgressVerdict.Refused, reason, addresses.Count > 0 ? addresses[0] : null);
        }

        return EgressDecision.Allow;
    }

    /// <summary>
    /// <see cref="SocketsHttpHandler.ConnectCallback"/>: checks the host name (an unlisted name is refused before any
    /// DNS query), resolves it, checks every address, then opens a TCP connection to the first checked address that
    /// answers.
    /// </summary>
    /// <exception cref="EgressDeniedException">The policy refuses the destination (logged as a warning).</exception>
    /// <exception cref="SocketException">Resolution or connection failed.</exception>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var addresses = await ResolveCheckedAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException ex)
            {
                socket.Dispose();
                last = ex;
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last ?? new SocketException((int)SocketError.HostNotFound);
    }

    /// <summary>
    /// The connect-time check without the connection: the addresses of <paramref name="host"/> the policy allows
    /// (all of them), in resolver order.
    /// </summary>
    /// <exception cref="EgressDeniedException">The policy refuses the destination (logged as a warning).</exception>
    public async Task<IPAddress[]> ResolveCheckedAsync(string host, int port, CancellationToken cancellationToken)
    {
        var name = EgressDestination.NormalizeHost(host);
        var literal = EgressDestination.LiteralOf(name);
        var decision = Evaluate(name, port, literal is null ? [] : [literal]);
        if (decision.Verdict != EgressVerdict.Refused && literal is null)
        {
            var addresses = await Dns.GetHostAddressesAsync(name, cancellationToken).ConfigureAwait(false);
            decision = Evaluate(name, port, addresses);
            return Enforce(decision, name, port) ? addresses : [];
        }

        return Enforce(decision, name, port) ? [literal!] : [];
    }

    private bool Enforce(EgressDecision decision, string host, int port)
    {
        switch (decision.Verdict)
        {
            case EgressVerdict.Refused:
                LogRefused(logger, host, port, decision.Address?.ToString() ?? "-", decision.Reason!);
                throw new EgressDeniedException(host, port, decision.Address, decision.Reason!);
            case EgressVerdict.WouldRefuse:
                LogWouldRefuse(logger, host, port, decision.Address?.ToString() ?? "-", decision.Reason!);
                break;
        }

        return true;
    }

    [LoggerMessage(EventId = 4601, Level = LogLevel.Warning, Message = "Egress refused: {Host}:{Port} (address {Address}): {Reason}.")]
    private static partial void LogRefused(ILogger logger, string host, int port, string address, string reason);

    [LoggerMessage(EventId = 4602, Level = LogLevel.Warning, Message = "Egress dry run: would refuse {Host}:{Port} (address {Address}): {Reason}; allowed because DryRun is set.")]
    private static partial void LogWouldRefuse(ILogger logger, string host, int port, string address, string reason);

    [LoggerMessage(EventId = 4603, Level = LogLevel.Warning, Message = "Egress dry run: would refuse {Field} '{Url}' at config time: {Reason}; accepted because DryRun is set.")]
    private static partial void LogConfigWouldRefuse(ILogger logger, string field, string url, string reason);

    private sealed record Rules(EgressOptions Source, bool Restricted, bool DryRun, IReadOnlyList<EgressDestination> Destinations, string Mode, string AllowedText)
    {
        public static Rules From(EgressOptions o)
        {
            var destinations = new List<EgressDestination>();
            foreach (var entry in o.AllowedInternetDestinations.SelectMany(EgressDestination.SplitEntry))
            {
                if (EgressDestination.TryParse(entry, out var d, out _))
                {
                    destinations.Add(d!); // invalid entries were reported by EgressOptionsValidator
                }
            }

            var restricted = o.IsRestricted;
            var shown = destinations.Take(10).Select(d => d.ToString()).ToList();
            var text = destinations.Count == 0 ? "none" : string.Join(", ", shown) + (destinations.Count > 10 ? $", … ({destinations.Count} in all)" : "");
            var mode = restricted ? EgressOptions.RestrictedAccess + (o.DryRun ? ", dry run" : "") : EgressOptions.FullAccess;
            return new Rules(o, restricted, restricted && o.DryRun, destinations, mode, text);
        }
    }
}
