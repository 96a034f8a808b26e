using System.Net;
using Modelplane.Abstractions;

namespace Modelplane.Providers.Egress;

/// <summary>
/// A connection the node's egress policy refused (thrown by <see cref="EgressPolicy.ConnectAsync"/>; SocketsHttpHandler
/// wraps it in an <see cref="System.Net.Http.HttpRequestException"/>). It is never retried. Its message names the host,
/// port, address and reason, never a URL path or query. <see cref="ToModelplaneException"/> gives the 403
/// <c>PERMISSION_DENIED</c> error a client sees (<c>UpstreamErrors.FromTransport</c> applies it).
/// </summary>
public sealed class EgressDeniedException : Exception
{
    /// <summary>Creates the refusal.</summary>
    /// <param name="host">Host as written in the URL.</param>
    /// <param name="port">Destination port.</param>
    /// <param name="address">Resolved address at fault, if any.</param>
    /// <param name="reason">Why, a phrase.</param>
    public EgressDeniedException(string host, int port, IPAddress? address, string reason)
        : base($"The node's egress policy refused a connection to {host}:{port}{(address is null ? "" : $" ({address})")}: {reason}.")
    {
        Host = host;
        Port = port;
        Address = address;
        Reason = reason;
    }

    /// <summary>Host as written in the URL.</summary>
    public string Host { get; }

    /// <summary>Destination port.</summary>
    public int Port { get; }

    /// <summary>The resolved address at fault, if any.</summary>
    public IPAddress? Address { get; }

    /// <summary>Why the connection was refused.</summary>
    public string Reason { get; }

    /// <summary>The client-facing error: 403 <c>PERMISSION_DENIED</c> with this message.</summary>
    public ModelplaneException ToModelplaneException() => new(ErrorCode.PermissionDenied, Message, 403, this);

    /// <summary>The refusal in <paramref name="exception"/> or its inner exceptions, or null.</summary>
    public static EgressDeniedException? Find(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is EgressDeniedException denied)
            {
                return denied;
            }
        }

        return null;
    }
}
