using System.Net.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Modelplane.Server.Hosting;

namespace Modelplane.Server.Sql;

/// <summary>
/// How SQL statements reach this node's own serving endpoints (the AI functions call <c>/serving-endpoints/…</c> as the
/// caller): the first address Kestrel listens on, with a wildcard host (<c>0.0.0.0</c>, <c>[::]</c>, <c>*</c>, <c>+</c>)
/// replaced by the loopback address, and, when the node serves HTTPS, a handler that trusts exactly the node's own
/// certificate (it is often self-signed or issued for another name than the loopback address).
/// </summary>
public sealed class NodeLoopback(IServer server, IServiceProvider services) : IDisposable
{
    private readonly Lock gate = new();
    private (Uri Address, HttpMessageHandler? Handler)? resolved;
    private SocketsHttpHandler? owned;

    /// <summary>The base address and transport (null for the default) of model calls; null when the node listens on no
    /// address (an in-memory test server without <see cref="Use"/>): the AI functions then have no node to call.</summary>
    public (Uri Address, HttpMessageHandler? Handler)? Target()
    {
        lock (gate)
        {
            return resolved ??= Resolve();
        }
    }

    /// <summary>Sends model calls to <paramref name="address"/> through <paramref name="handler"/> (in-memory test
    /// servers, which listen on no socket). The handler is not disposed here.</summary>
    /// <param name="address">The node's base address.</param>
    /// <param name="handler">The transport.</param>
    public void Use(Uri address, HttpMessageHandler handler)
    {
        lock (gate)
        {
            resolved = (address, handler);
        }
    }

    /// <inheritdoc />
    public void Dispose() => owned?.Dispose();

    private (Uri, HttpMessageHandler?)? Resolve()
    {
        if (server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() is not { } listening)
        {
            return null;
        }

        var address = new UriBuilder(listening.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        address.Host = address.Host switch
        {
            "0.0.0.0" => "127.0.0.1",
            "[::]" or "::" => "[::1]",
            var host => host,
        };
        address.Path = "/";
        if (services.GetService<NodeTlsSettings>() is not { Certificate: { } certificate })
        {
            return (address.Uri, null);
        }

        var thumbprint = certificate.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256);
        owned = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, presented, _, errors) => errors == SslPolicyErrors.None
                    || (presented is not null && presented.GetCertHashString(System.Security.Cryptography.HashAlgorithmName.SHA256) == thumbprint),
            },
        };
        return (address.Uri, owned);
    }
}
