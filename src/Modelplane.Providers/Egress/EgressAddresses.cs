using System.Net;
using System.Net.Sockets;

namespace Modelplane.Providers.Egress;

/// <summary>
/// Addresses refused in every egress mode unless named explicitly: IPv4 link-local <c>169.254.0.0/16</c> (where the
/// AWS, Azure, GCP and OCI instance-metadata services answer, at 169.254.169.254), IPv6 link-local <c>fe80::/10</c> and
/// the AWS IPv6 metadata address <c>fd00:ec2::254</c>. IPv4-mapped (<c>::ffff:a.b.c.d</c>) and NAT64
/// (<c>64:ff9b::a.b.c.d</c>) forms of a refused IPv4 address are refused too.
/// </summary>
public static class EgressAddresses
{
    /// <summary>AWS's IPv6 instance-metadata address.</summary>
    public static readonly IPAddress MetadataV6 = IPAddress.Parse("fd00:ec2::254");

    /// <summary>Why <paramref name="address"/> is refused in every mode, or null when it is not one of those addresses.</summary>
    public static string? RefusalReason(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            if (bytes[0] == 0x00 && bytes[1] == 0x64 && bytes[2] == 0xff && bytes[3] == 0x9b && bytes.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
            {
                address = new IPAddress(bytes.AsSpan(12, 4)); // NAT64 well-known prefix 64:ff9b::/96
            }
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return b[0] == 169 && b[1] == 254 ? "a link-local address (169.254.0.0/16, where cloud metadata services answer)" : null;
        }

        if (address.GetAddressBytes().AsSpan().SequenceEqual(MetadataV6.GetAddressBytes()))
        {
            return "a cloud metadata address (fd00:ec2::254)";
        }

        return address.IsIPv6LinkLocal ? "a link-local address (fe80::/10)" : null;
    }
}
