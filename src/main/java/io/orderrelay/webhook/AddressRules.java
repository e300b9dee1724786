package io.orderrelay.webhook;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * The address ranges a webhook may not target, each with the rule a refusal names. First match wins, so the
 * specific rules (a metadata address inside link-local or CGNAT space) come before the general ones.
 *
 * <p>Two kinds: {@code always} rules hold whatever RELAY_WEBHOOK_ALLOW_PRIVATE_TARGETS says: cloud metadata services
 * (an SSRF to one of them hands out the node's cloud credentials), link-local space (where those services live),
 * and the IPv6 prefixes that carry an arbitrary IPv4 address (NAT64, 6to4, Teredo, IPv4-translated): through them
 * any IPv4 address, a private or metadata one included, can be written as an innocent-looking IPv6 address, and no
 * real partner publishes such an address for its webhook. The other rules (loopback, private, CGNAT, multicast,
 * reserved) are lifted by RELAY_WEBHOOK_ALLOW_PRIVATE_TARGETS=true (dev, tests, a partner inside the network).
 * IPv4-mapped and IPv4-compatible IPv6 addresses are judged by the IPv4 address they carry.
 */
final class AddressRules {

    static final String METADATA = "a cloud metadata";

    /** A range and why it is refused. */
    record Rule(byte[] network, int prefixBits, String kind, boolean always) {

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }
            int full = prefixBits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefixBits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (network[full] & mask);
        }
    }

    private static final List<Rule> RULES = List.of(
            // Cloud metadata services, whatever the configuration.
            always("169.254.169.254/32", METADATA), // AWS, GCP, Azure, OpenStack, Oracle, DigitalOcean ...
            always("169.254.170.2/32", METADATA), // ECS task metadata and credentials
            always("169.254.170.23/32", METADATA), // EKS Pod Identity agent
            always("168.63.129.16/32", METADATA), // Azure WireServer (a public address)
            always("100.100.100.200/32", METADATA), // Alibaba Cloud
            always("192.0.0.192/32", METADATA), // Oracle Cloud
            always("fd00:ec2::254/128", METADATA), // AWS over IPv6
            always("fd00:ec2::23/128", METADATA), // EKS Pod Identity agent over IPv6
            always("fd20:ce::254/128", METADATA), // GCP over IPv6
            // Link-local: where metadata services live, never a partner's server.
            always("169.254.0.0/16", "a link-local"),
            always("fe80::/10", "a link-local"),
            // IPv6 wrappers around any IPv4 address.
            always("64:ff9b::/96", "a NAT64"),
            always("64:ff9b:1::/48", "a NAT64 (local-use)"),
            always("2002::/16", "a 6to4"),
            always("2001::/32", "a Teredo"),
            always("::ffff:0:0:0/96", "an IPv4-translated"),
            // Not public: refused unless private targets are allowed.
            optional("0.0.0.0/8", "an unspecified"),
            optional("127.0.0.0/8", "a loopback"),
            optional("10.0.0.0/8", "a private"),
            optional("172.16.0.0/12", "a private"),
            optional("192.168.0.0/16", "a private"),
            optional("100.64.0.0/10", "a carrier-grade NAT"),
            optional("192.0.0.0/24", "a reserved"), // IETF protocol assignments
            optional("192.0.2.0/24", "a reserved"), // documentation
            optional("198.51.100.0/24", "a reserved"), // documentation
            optional("203.0.113.0/24", "a reserved"), // documentation
            optional("198.18.0.0/15", "a reserved"), // benchmarking
            optional("224.0.0.0/4", "a multicast"),
            optional("240.0.0.0/4", "a reserved"), // and the broadcast address
            optional("::/128", "an unspecified"),
            optional("::1/128", "a loopback"),
            optional("::/8", "a reserved"), // what is left of it once mapped/compatible forms are unwrapped
            optional("100::/64", "a reserved"), // discard-only
            optional("2001:2::/48", "a reserved"), // benchmarking
            optional("2001:db8::/32", "a reserved"), // documentation
            optional("fc00::/7", "a private (unique local)"),
            optional("fec0::/10", "a site-local"),
            optional("ff00::/8", "a multicast"));

    private AddressRules() {
    }

    /** The first rule this address falls under, or null for a public address. */
    static Rule match(InetAddress address) {
        InetAddress v4 = embeddedV4(address);
        byte[] bytes = (v4 != null ? v4 : address).getAddress();
        for (Rule rule : RULES) {
            if (rule.contains(bytes)) {
                return rule;
            }
        }
        return null;
    }

    /** The IPv4 address inside an IPv4-mapped ({@code ::ffff:a.b.c.d}) or -compatible ({@code ::a.b.c.d}) address. */
    static InetAddress embeddedV4(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return null;
        }
        byte[] b = address.getAddress();
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return null;
            }
        }
        boolean mapped = (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean compatible = b[10] == 0 && b[11] == 0 && !address.isLoopbackAddress() && !address.isAnyLocalAddress();
        if (!mapped && !compatible) {
            return null;
        }
        try {
            return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static Rule always(String cidr, String kind) {
        return rule(cidr, kind, true);
    }

    private static Rule optional(String cidr, String kind) {
        return rule(cidr, kind, false);
    }

    private static Rule rule(String cidr, String kind, boolean always) {
        int slash = cidr.indexOf('/');
        try {
            // literals only: no DNS lookup happens here
            byte[] network = InetAddress.getByName(cidr.substring(0, slash)).getAddress();
            return new Rule(network, Integer.parseInt(cidr.substring(slash + 1)), kind, always);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("bad range " + cidr, e);
        }
    }
}
