package io.github.pmtatracking.engagement;

import com.maxmind.db.CHMCache;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.GeoIp2Exception;
import com.maxmind.geoip2.model.CityResponse;
import io.github.pmtatracking.engagement.Engagement.Place;
import io.netty.util.NetUtil;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feeder route's locate step: SparkPost's {@code geo_ip} of each event's address, from a local
 * MaxMind GeoIP2 or GeoLite2 City database, or DB-IP's compatible one ({@code .mmdb}, setting
 * {@code feeder.geoip_database}). Without a database the step does nothing. The reader maps the
 * file into memory and caches decoded records (MaxMind's CHMCache), so a lookup costs a tree walk.
 */
public final class GeoIpLocations implements Closeable {

    private static final Logger LOG = LoggerFactory.getLogger(GeoIpLocations.class);

    /** Addresses recently located: a record decode costs more than this lookup (JFR, bench/feeder.sh). */
    private static final int REMEMBERED_ADDRESSES = 50_000;
    private static final Place UNKNOWN = new Place(null, null, null, null, null, null);

    private final DatabaseReader reader; // null: no database
    private final Map<String, Place> located = new Lru<>(REMEMBERED_ADDRESSES);

    private GeoIpLocations(DatabaseReader reader) {
        this.reader = reader;
    }

    /** Over the database file; an empty path for none (one line at start says so). */
    public static GeoIpLocations open(Optional<Path> database) {
        if (database.isEmpty()) {
            LOG.info("No GeoIP database (feeder.geoip_database): events carry no geo_ip");
            return new GeoIpLocations(null);
        }
        Path file = database.get();
        try {
            DatabaseReader reader = new DatabaseReader.Builder(file.toFile()).withCache(new CHMCache()).build();
            String type = reader.getMetadata().getDatabaseType();
            if (!type.contains("City")) {
                reader.close();
                throw new IllegalArgumentException("feeder.geoip_database " + file + " is a " + type + " database, not a City one");
            }
            LOG.info("GeoIP database {} ({}, built {})", file, type, reader.getMetadata().getBuildDate());
            return new GeoIpLocations(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the GeoIP database " + file, e);
        }
    }

    /** Locates the events not located yet; returns the same list. */
    public <T extends Engagement.Subject> List<T> locate(List<T> entries) {
        for (T t : entries) {
            Engagement e = t.engagement();
            if (e != null && !e.located()) {
                e.place(reader == null ? null : remembered(e.facts().ip()));
            }
        }
        return entries;
    }

    private Place remembered(String ip) {
        Place p = located.get(ip);
        if (p == null) {
            p = place(ip);
            located.put(ip, p == null ? UNKNOWN : p);
        }
        return p == UNKNOWN ? null : p;
    }

    /** The place of an IP literal; null when it is not one, or the database does not know it. */
    Place place(String ip) {
        if (ip == null || ip.isEmpty()) {
            return null;
        }
        InetAddress address = NetUtil.createInetAddressFromIpAddressString(ip); // a literal only: never a DNS lookup
        if (address == null) {
            return null;
        }
        try {
            Optional<CityResponse> city = reader.tryCity(address);
            if (city.isEmpty()) {
                return null;
            }
            CityResponse c = city.get();
            Place p = new Place(c.getCountry().getIsoCode(), c.getMostSpecificSubdivision().getIsoCode(), c.getCity().getName(),
                    c.getLocation().getLatitude(), c.getLocation().getLongitude(), c.getPostal().getCode());
            return p.country() == null && p.city() == null && p.latitude() == null ? null : p;
        } catch (IOException | GeoIp2Exception e) {
            LOG.warn("GeoIP lookup of {} failed: {}", ip, e.getMessage());
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        if (reader != null) {
            reader.close();
        }
    }
}
