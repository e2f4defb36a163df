package io.github.pmtatracking.engagement;

import io.netty.util.NetUtil;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * A set of IPv4 and IPv6 networks (CIDRs), asked whether an address is in one of them. Apple's
 * published egress ranges alone are some 10^5 networks, looked up for every open: they are kept as
 * sorted, merged ranges and found by binary search. Netty's {@code IpSubnetFilter} searches the
 * same way but only inside a channel pipeline, and the JDK has nothing of the kind.
 */
public final class Networks {

    /** IPv4 ranges [start, end], merged, sorted by start: starts[i]..ends[i]. */
    private final long[] v4Starts;
    private final long[] v4Ends;
    /** IPv6 ranges as 128-bit numbers, (high, low) pairs compared unsigned. */
    private final long[][] v6Starts;
    private final long[][] v6Ends;

    private Networks(long[] v4Starts, long[] v4Ends, long[][] v6Starts, long[][] v6Ends) {
        this.v4Starts = v4Starts;
        this.v4Ends = v4Ends;
        this.v6Starts = v6Starts;
        this.v6Ends = v6Ends;
    }

    /** The networks of these CIDRs (an address alone is its own network). */
    public static Networks of(Collection<String> cidrs) {
        List<long[]> v4 = new ArrayList<>();
        List<long[]> v6 = new ArrayList<>();
        for (String cidr : cidrs) {
            String c = cidr.trim();
            if (c.isEmpty()) {
                continue;
            }
            int slash = c.indexOf('/');
            String ip = slash < 0 ? c : c.substring(0, slash);
            byte[] bytes = NetUtil.createByteArrayFromIpAddressString(ip);
            if (bytes == null) {
                throw new IllegalArgumentException("not an IP address or CIDR: " + c);
            }
            int width = bytes.length * 8;
            int bits;
            try {
                bits = slash < 0 ? width : Integer.parseInt(c.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not an IP address or CIDR: " + c);
            }
            if (bits < 0 || bits > width) {
                throw new IllegalArgumentException("prefix length out of range: " + c);
            }
            if (bytes.length == 4) {
                long start = toLong(bytes, 0, 4) & mask(32 - bits); // the network's first address
                v4.add(new long[] {start, start | ~mask(32 - bits)});
            } else {
                long hi = toLong(bytes, 0, 8);
                long lo = toLong(bytes, 8, 8);
                long[] s = clear(hi, lo, 128 - bits);
                long[] e = fill(s[0], s[1], 128 - bits);
                v6.add(new long[] {s[0], s[1], e[0], e[1]});
            }
        }
        v4.sort((a, b) -> Long.compare(a[0], b[0]));
        List<long[]> merged4 = new ArrayList<>();
        for (long[] r : v4) {
            long[] last = merged4.isEmpty() ? null : merged4.get(merged4.size() - 1);
            if (last != null && r[0] <= last[1] + 1) {
                last[1] = Math.max(last[1], r[1]);
            } else {
                merged4.add(r.clone());
            }
        }
        v6.sort((a, b) -> compare(a[0], a[1], b[0], b[1]));
        List<long[]> merged6 = new ArrayList<>();
        for (long[] r : v6) {
            long[] last = merged6.isEmpty() ? null : merged6.get(merged6.size() - 1);
            if (last != null && compare(r[0], r[1], last[2], last[3]) <= 0) {
                if (compare(r[2], r[3], last[2], last[3]) > 0) {
                    last[2] = r[2];
                    last[3] = r[3];
                }
            } else {
                merged6.add(r.clone());
            }
        }
        return new Networks(merged4.stream().mapToLong(r -> r[0]).toArray(), merged4.stream().mapToLong(r -> r[1]).toArray(),
                merged6.stream().map(r -> new long[] {r[0], r[1]}).toArray(long[][]::new),
                merged6.stream().map(r -> new long[] {r[2], r[3]}).toArray(long[][]::new));
    }

    /**
     * The CIDRs of the first column of a file, as Apple publishes its egress ranges
     * ({@code 172.224.224.0/27,GB,GB-EN,London,}); blank lines and lines starting with # skipped.
     */
    public static List<String> firstColumn(Path file) {
        List<String> cidrs = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            for (String line; (line = r.readLine()) != null; ) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                int comma = l.indexOf(',');
                cidrs.add(comma < 0 ? l : l.substring(0, comma));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the networks " + file, e);
        }
        return cidrs;
    }

    /** Whether the address (an IP literal; anything else is in no network) is in one of the networks. */
    public boolean contains(String address) {
        // no networks (feeder.scanner_networks is empty as shipped): the address is not read, which
        // was 10% of the classify step's samples (JFR, bench/feeder.sh)
        if (address == null || address.isEmpty() || size() == 0) {
            return false;
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
        if (bytes == null) {
            return false;
        }
        if (bytes.length == 16 && isV4Mapped(bytes)) {
            bytes = Arrays.copyOfRange(bytes, 12, 16);
        }
        if (bytes.length == 4) {
            long a = toLong(bytes, 0, 4);
            int i = Arrays.binarySearch(v4Starts, a);
            int at = i >= 0 ? i : -i - 2; // the last range starting at or before a
            return at >= 0 && a <= v4Ends[at];
        }
        long hi = toLong(bytes, 0, 8);
        long lo = toLong(bytes, 8, 8);
        int low = 0;
        int high = v6Starts.length - 1;
        int at = -1;
        while (low <= high) {
            int mid = (low + high) >>> 1;
            if (compare(v6Starts[mid][0], v6Starts[mid][1], hi, lo) <= 0) {
                at = mid;
                low = mid + 1;
            } else {
                high = mid - 1;
            }
        }
        return at >= 0 && compare(hi, lo, v6Ends[at][0], v6Ends[at][1]) <= 0;
    }

    /** Ranges kept after merging (IPv4 and IPv6). */
    public int size() {
        return v4Starts.length + v6Starts.length;
    }

    private static boolean isV4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static long toLong(byte[] b, int from, int n) {
        long v = 0;
        for (int i = from; i < from + n; i++) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    private static long mask(int hostBits) {
        return hostBits >= 64 ? 0 : ~((1L << hostBits) - 1);
    }

    /** The 128-bit number with its lowest hostBits cleared. */
    private static long[] clear(long hi, long lo, int hostBits) {
        if (hostBits >= 64) {
            return new long[] {hi & mask(hostBits - 64), 0};
        }
        return new long[] {hi, lo & mask(hostBits)};
    }

    /** The 128-bit number with its lowest hostBits set. */
    private static long[] fill(long hi, long lo, int hostBits) {
        if (hostBits >= 64) {
            return new long[] {hi | ~mask(hostBits - 64), -1L};
        }
        return new long[] {hi, lo | ~mask(hostBits)};
    }

    private static int compare(long hi1, long lo1, long hi2, long lo2) {
        int c = Long.compareUnsigned(hi1, hi2);
        return c != 0 ? c : Long.compareUnsigned(lo1, lo2);
    }
}
