package io.orderrelay.webhook;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.orderrelay.config.RelayConfig;

/**
 * SSRF guard for webhook URLs. A URL must be https (http only where relay.webhook.allow-http), and every address
 * its host resolves to must be public: loopback, private, CGNAT, multicast, reserved and unspecified addresses are
 * refused unless RELAY_WEBHOOK_ALLOW_PRIVATE_TARGETS=true; cloud metadata services, link-local addresses and the IPv6
 * forms that wrap an IPv4 address (NAT64, 6to4, Teredo) are refused always (see {@link AddressRules}). The check runs when an endpoint is saved and again before every send, and the dispatcher connects to
 * the address checked here (not to a second DNS answer), so DNS rebinding cannot slip a private address in.
 */
@ApplicationScoped
public class TargetGuard {

    static final int MAX_URL_LENGTH = 2048;
    /**
     * Names of metadata services, refused before any lookup: they resolve only inside their cloud, where their
     * address is refused anyway, but a resolver configured to answer them elsewhere must not matter.
     */
    static final Set<String> METADATA_HOSTS = Set.of("metadata.google.internal", "metadata.goog", "metadata",
            "instance-data", "instance-data.ec2.internal");

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
     * address among public ones is refused). Blocking (DNS): call off the event loop. The refusal names the rule,
     * never the address: a caller must not learn what an internal name resolves to.
     */
    public InetAddress resolve(String host) throws Refused {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (METADATA_HOSTS.contains(normalise(bare))) {
            throw new Refused("names " + AddressRules.METADATA + " service, which is never allowed");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(bare);
        } catch (UnknownHostException e) {
            throw new Refused("host " + bare + " does not resolve");
        }
        for (InetAddress address : addresses) {
            AddressRules.Rule rule = refusingRule(address);
            if (rule != null) {
                throw new Refused("resolves to " + rule.kind() + " address" + (rule.always()
                        ? ", which is never allowed"
                        : ", refused unless RELAY_WEBHOOK_ALLOW_PRIVATE_TARGETS=true"));
            }
        }
        return addresses[0];
    }

    /** Why this address is refused ("a loopback", "a cloud metadata" ...), or null when it is allowed. */
    String refusal(InetAddress address) {
        AddressRules.Rule rule = refusingRule(address);
        return rule == null ? null : rule.kind();
    }

    private AddressRules.Rule refusingRule(InetAddress address) {
        AddressRules.Rule rule = AddressRules.match(address);
        return rule == null || (allowPrivate && !rule.always()) ? null : rule;
    }

    private static String normalise(String host) {
        String lower = host.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
