package io.orderrelay.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.orderrelay.config.RelayConfig;

/**
 * SSRF guard for webhook URLs. A URL must be https (http only where relay.webhook.allow-http), and every address
 * its host resolves to must be public: loopback, private, link-local, CGNAT, multicast, reserved and unspecified
 * addresses are refused unless RELAY_WEBHOOK_ALLOW_PRIVATE_TARGETS=true; cloud metadata addresses are refused
 * always. The check runs when an endpoint is saved and again before every send, and the dispatcher connects to
 * the address checked here (not to a second DNS answer), so DNS rebinding cannot slip a private address in.
 */
@ApplicationScoped
public class TargetGuard {

    static final int MAX_URL_LENGTH = 2048;

    private final boolean allowPrivate;
    private final boolean allowHttp;

    @Inject
    public TargetGuard(RelayConfig config) {
        this(config.webhook().allowPrivateTargets(), config.webhook().allowHttp().orElse(false));
    }

    TargetGuard(boolean allowPrivate, boolean allowHttp) {
        this.allowPrivate = allowPrivate;
        this.allowHttp = allowHttp;
    }

    /** Thrown with a message fit for the caller (it names no internal detail beyond the URL's own host). */
    public static final class Refused extends Exception {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** Syntax and scheme rules, no DNS: the parsed URL. */
    public URI parse(String url) throws Refused {
        if (url == null || url.isBlank()) {
            throw new Refused("is required");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw new Refused("must be at most " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw new Refused("is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            throw new Refused(allowHttp ? "must be an http or https URL" : "must be an https URL");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new Refused("must name a host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new Refused("must not carry credentials");
        }
        if (uri.getRawFragment() != null) {
            throw new Refused("must not have a fragment");
        }
        return uri;
    }

    /** Full check at save time: syntax, then every resolved address. */
    public URI check(String url) throws Refused {
        URI uri = parse(url);
        resolve(uri.getHost());
        return uri;
    }

    /**
     * Resolves {@code host} and answers the first address, after checking all of them (a name with one private
     * address among public ones is refused). Blocking (DNS): call off the event loop.
     */
    public InetAddress resolve(String host) throws Refused {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            throw new Refused("host " + bare + " does not resolve");
        }
        for (InetAddress address : addresses) {
            String why = refusal(address);
            if (why != null) {
                throw new Refused("resolves to " + why + " address " + address.getHostAddress()
                        + (isMetadata(address) ? ", which is never allowed"
                                : ", refused unless RELAY_WEBHOOK_ALLOW_PRIVATE_TARGETS=true"));
            }
        }
        return addresses[0];
    }

    /** Why this address is refused, or null when it is allowed. */
    String refusal(InetAddress address) {
        if (isMetadata(address)) {
            return "a cloud metadata";
        }
        if (allowPrivate) {
            return null;
        }
        return classify(address);
    }

    static boolean isMetadata(InetAddress address) {
        String ip = address.getHostAddress();
        InetAddress v4 = embeddedV4(address);
        return (v4 != null && v4.getHostAddress().equals("169.254.169.254"))
                || ip.equals("169.254.169.254") || ip.equalsIgnoreCase("fd00:ec2:0:0:0:0:0:254");
    }

    /** The kind of non-public address, or null for a public one. */
    static String classify(InetAddress address) {
        InetAddress v4 = embeddedV4(address);
        if (v4 != null) {
            address = v4;
        }
        if (address.isLoopbackAddress()) {
            return "a loopback";
        }
        if (address.isAnyLocalAddress()) {
            return "an unspecified";
        }
        if (address.isLinkLocalAddress()) {
            return "a link-local";
        }
        if (address.isMulticastAddress()) {
            return "a multicast";
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int o0 = b[0] & 0xff;
            int o1 = b[1] & 0xff;
            if (o0 == 10 || (o0 == 172 && o1 >= 16 && o1 <= 31) || (o0 == 192 && o1 == 168)) {
                return "a private";
            }
            if (o0 == 100 && o1 >= 64 && o1 <= 127) {
                return "a carrier-grade NAT";
            }
            if (o0 == 0 || o0 >= 240 || (o0 == 192 && o1 == 0 && (b[2] & 0xff) == 0)
                    || (o0 == 198 && (o1 == 18 || o1 == 19))) {
                return "a reserved";
            }
            return null;
        }
        int first = b[0] & 0xff;
        if ((first & 0xfe) == 0xfc) {
            return "a private (unique local)";
        }
        if (first == 0xfe && (b[1] & 0xc0) == 0xc0) {
            return "a site-local";
        }
        return null;
    }

    /** The IPv4 address inside an IPv4-mapped or -compatible IPv6 address, else null. */
    private static InetAddress embeddedV4(InetAddress address) {
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
}
