package io.github.pmtatracking.tracker;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The recipient's IP address. {@code X-Real-IP} and {@code X-Forwarded-For} are believed only when
 * the connection comes from a trusted proxy (CIDR list, default loopback) and only when they hold
 * an IP literal; otherwise the socket's peer address is the answer. Netty's own IP parsing and
 * subnet rules are used, so no header ever triggers a DNS lookup.
 */
public final class ClientAddress {

    private final List<IpSubnetFilterRule> trusted;

    public ClientAddress(String trustedCidrs) {
        this.trusted = new ArrayList<>();
        for (String cidr : trustedCidrs.split(",")) {
            String c = cidr.trim();
            if (c.isEmpty()) {
                continue;
            }
            int slash = c.indexOf('/');
            String ip = slash < 0 ? c : c.substring(0, slash);
            if (!NetUtil.isValidIpV4Address(ip) && !NetUtil.isValidIpV6Address(ip)) {
                throw new IllegalArgumentException("trusted proxy is not an IP or CIDR: " + c);
            }
            int bits = slash < 0 ? (ip.contains(":") ? 128 : 32) : Integer.parseInt(c.substring(slash + 1));
            trusted.add(new IpSubnetFilterRule(ip, bits, IpFilterRuleType.ACCEPT));
        }
    }

    /**
     * @param peer          the socket's remote address
     * @param xRealIp       the X-Real-IP header or null
     * @param xForwardedFor the X-Forwarded-For header or null
     */
    public String resolve(SocketAddress peer, String xRealIp, String xForwardedFor) {
        String peerIp = ipOf(peer);
        if (!(peer instanceof InetSocketAddress isa) || !isTrusted(isa)) {
            return peerIp;
        }
        String real = literal(xRealIp);
        if (real != null) {
            return real;
        }
        if (xForwardedFor != null) {
            // walk from the nearest hop: the first address that is not one of our proxies is the client
            String[] hops = xForwardedFor.split(",");
            for (int i = hops.length - 1; i >= 0; i--) {
                String hop = literal(hops[i]);
                if (hop == null) {
                    return peerIp; // a forged or broken chain: trust nothing in it
                }
                if (i == 0 || !isTrusted(new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(hop), 0))) {
                    return hop;
                }
            }
        }
        return peerIp;
    }

    private boolean isTrusted(InetSocketAddress address) {
        for (IpSubnetFilterRule rule : trusted) {
            if (rule.matches(address)) {
                return true;
            }
        }
        return false;
    }

    /** The IP literal in the text, normalised, or null when it is not one. */
    static String literal(String text) {
        if (text == null) {
            return null;
        }
        String t = text.trim();
        if (t.startsWith("[") && t.endsWith("]")) {
            t = t.substring(1, t.length() - 1);
        }
        if (NetUtil.isValidIpV4Address(t)) {
            return t;
        }
        if (NetUtil.isValidIpV6Address(t)) {
            InetAddress a = NetUtil.createInetAddressFromIpAddressString(t);
            return a == null ? null : NetUtil.toAddressString(a);
        }
        return null;
    }

    private static String ipOf(SocketAddress peer) {
        if (peer instanceof InetSocketAddress isa && isa.getAddress() != null) {
            return NetUtil.toAddressString(isa.getAddress());
        }
        return peer == null ? "" : peer.toString();
    }
}
