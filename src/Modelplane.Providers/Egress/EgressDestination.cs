using System.Globalization;
using System.Net;

namespace Modelplane.Providers.Egress;

/// <summary>
/// One parsed entry of <see cref="EgressOptions.AllowedInternetDestinations"/>: a DNS name, a <c>*.</c> wildcard for
/// the subdomains of a name, or an IP literal, with an optional port (null: any port). Names are compared
/// case-insensitively and without a trailing dot.
/// </summary>
/// <param name="Host">The normalized name (lower case, no trailing dot; for a wildcard, the part after <c>*.</c>), or the address text.</param>
/// <param name="IsWildcard">True for <c>*.name</c>: matches <c>a.name</c> and <c>a.b.name</c>, not <c>name</c>.</param>
/// <param name="Port">The port, or null for any.</param>
/// <param name="Address">The address when the entry is an IP literal.</param>
public sealed record EgressDestination(string Host, bool IsWildcard, int? Port, IPAddress? Address)
{
    /// <summary>True when a request to <paramref name="host"/> (normalized) and <paramref name="port"/> matches.</summary>
    /// <param name="host">Host as written in the URL, normalized with <see cref="NormalizeHost"/>.</param>
    /// <param name="hostLiteral">The host's address when the host is an IP literal, else null.</param>
    /// <param name="port">The port the request goes to.</param>
    public bool Matches(string host, IPAddress? hostLiteral, int port)
    {
        if (Port is { } p && p != port)
        {
            return false;
        }

        if (Address is not null)
        {
            return hostLiteral is not null && Address.Equals(hostLiteral);
        }

        return IsWildcard
            ? host.Length > Host.Length + 1 && host.EndsWith("." + Host, StringComparison.Ordinal)
            : string.Equals(host, Host, StringComparison.Ordinal);
    }

    /// <summary>
    /// True when this entry names the destination explicitly: an exact (non-wildcard) match of the host, or an IP
    /// literal equal to <paramref name="address"/>; what lets a link-local or metadata address through.
    /// </summary>
    public bool NamesExplicitly(string host, IPAddress? hostLiteral, IPAddress address, int port) =>
        (!IsWildcard && Matches(host, hostLiteral, port))
        || (Address is not null && Address.Equals(address) && (Port is null || Port == port));

    /// <inheritdoc />
    public override string ToString()
    {
        var host = Address?.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"[{Host}]" : IsWildcard ? "*." + Host : Host;
        return Port is { } p ? $"{host}:{p.ToString(CultureInfo.InvariantCulture)}" : host;
    }

    /// <summary>Splits one configured entry on commas and whitespace (an entry may list several destinations).</summary>
    public static IEnumerable<string> SplitEntry(string? entry) =>
        (entry ?? "").Split([',', ' ', '\t', '\n', '\r', ';'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// Lower-cases a host, drops a trailing dot and the brackets around an IPv6 literal (as <see cref="Uri.IdnHost"/> or
    /// a <c>DnsEndPoint</c> may carry them).
    /// </summary>
    public static string NormalizeHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var h = host.Trim();
        if (h.StartsWith('[') && h.EndsWith(']'))
        {
            h = h[1..^1];
        }

        return h.TrimEnd('.').ToLowerInvariant();
    }

    /// <summary>The address when <paramref name="normalizedHost"/> is an IPv4 or IPv6 literal, else null.</summary>
    public static IPAddress? LiteralOf(string normalizedHost) =>
        Uri.CheckHostName(normalizedHost) is UriHostNameType.IPv4 or UriHostNameType.IPv6 && IPAddress.TryParse(normalizedHost, out var a) ? a : null;

    /// <summary>Parses one destination; <paramref name="error"/> says what is wrong (a phrase after the entry).</summary>
    public static bool TryParse(string text, out EgressDestination? destination, out string error)
    {
        destination = null;
        var entry = (text ?? "").Trim();
        if (entry.Length == 0)
        {
            error = "is empty.";
            return false;
        }

        if (entry.Contains("://", StringComparison.Ordinal) || entry.IndexOfAny(['/', '?', '#', '@']) >= 0)
        {
            error = "must be a host or host:port (e.g. api.openai.com or *.openai.azure.com:443), without a scheme, path or user name.";
            return false;
        }

        string host;
        string? portText = null;
        if (entry.StartsWith('['))
        {
            var close = entry.IndexOf(']', StringComparison.Ordinal);
            if (close < 0 || (close < entry.Length - 1 && entry[close + 1] != ':'))
            {
                error = "is not a valid [IPv6] or [IPv6]:port.";
                return false;
            }

            host = entry[1..close];
            portText = close < entry.Length - 1 ? entry[(close + 2)..] : null;
        }
        else if (entry.Count(c => c == ':') > 1)
        {
            host = entry; // a bare IPv6 literal, no port
        }
        else
        {
            var colon = entry.LastIndexOf(':');
            host = colon < 0 ? entry : entry[..colon];
            portText = colon < 0 ? null : entry[(colon + 1)..];
        }

        int? port = null;
        if (portText is not null)
        {
            if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var p) || p is < 1 or > 65535)
            {
                error = $"has port '{portText}'; a port is a number from 1 to 65535.";
                return false;
            }

            port = p;
        }

        host = NormalizeHost(host);
        if (LiteralOf(host) is { } address)
        {
            destination = new EgressDestination(address.ToString(), false, port, address);
            error = "";
            return true;
        }

        var wildcard = host.StartsWith("*.", StringComparison.Ordinal);
        var name = wildcard ? host[2..] : host;
        if (name.Contains('*', StringComparison.Ordinal))
        {
            error = "may use a wildcard only as a leading '*.' (e.g. *.example.com).";
            return false;
        }

        if (name.Length == 0 || Uri.CheckHostName(name) != UriHostNameType.Dns)
        {
            error = $"has host '{host}', which is not a DNS name or IP address.";
            return false;
        }

        destination = new EgressDestination(name, wildcard, port, null);
        error = "";
        return true;
    }
}
