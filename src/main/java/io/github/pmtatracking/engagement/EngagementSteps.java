package io.github.pmtatracking.engagement;

import io.github.pmtatracking.config.Settings;
import io.github.pmtatracking.engagement.MachineEngagement.ClickWindows;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The feeder route's classification steps, built from the settings ({@code feeder.machine_*},
 * {@code feeder.apple_proxy_*}, {@code feeder.geoip_database}, {@code feeder.mailbox_providers}):
 * the beans routes/feeder.yaml names userAgents, machineEngagement, geoIp and mailboxProviders.
 */
public record EngagementSteps(UserAgents userAgents, MachineEngagement machine, GeoIpLocations geoIp,
                              MailboxProviders mailboxProviders, EngagementCounts counts) {

    private static final Logger LOG = LoggerFactory.getLogger(EngagementSteps.class);

    public static EngagementSteps of(Settings s) {
        List<String> apple = new ArrayList<>(list(s.text("feeder.apple_proxy_networks")));
        s.optional("feeder.apple_proxy_ranges_file").filter(f -> !f.isEmpty()).ifPresent(f -> apple.addAll(Networks.firstColumn(s.path("feeder.apple_proxy_ranges_file"))));
        Networks appleNetworks = Networks.of(apple);
        Networks scanners = Networks.of(list(s.text("feeder.scanner_networks")));
        EngagementCounts counts = new EngagementCounts();
        List<MachineEngagement.AgentRule> agentRules = AgentRules.load(open(s, "feeder.machine_agents"), s.text("feeder.machine_agents"));
        MachineEngagement machine = new MachineEngagement(agentRules, appleNetworks, scanners,
                new ClickWindows(s.number("feeder.machine_click_after_delivery_seconds"), s.number("feeder.machine_click_burst_seconds"),
                        s.wholeNumber("feeder.machine_click_burst_links"), s.number("feeder.machine_trap_window_seconds")),
                counts);
        MailboxProviders mailbox = MailboxProviders.load(open(s, "feeder.mailbox_providers"), s.text("feeder.mailbox_providers"));
        LOG.info("Machine opens and clicks: {} agent rules, {} Apple proxy ranges, {} scanner ranges; {} mailbox provider domains",
                agentRules.size(), appleNetworks.size(), scanners.size(), mailbox.size());
        GeoIpLocations geo = GeoIpLocations.open(s.optional("feeder.geoip_database").filter(f -> !f.isEmpty()).map(x -> s.path("feeder.geoip_database")));
        return new EngagementSteps(new UserAgents((int) s.positive("feeder.user_agent_cache")), machine, geo, mailbox, counts);
    }

    /** The file a setting names; when it is not there, the jar's copy of the shipped file of that name under config/. */
    private static Reader open(Settings s, String key) {
        Path file = s.path(key);
        try {
            if (Files.isRegularFile(file)) {
                return Files.newBufferedReader(file, StandardCharsets.UTF_8);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (" + key + ")", e);
        }
        InputStream shipped = EngagementSteps.class.getResourceAsStream("/config/" + file.getFileName());
        if (shipped == null) {
            throw new IllegalArgumentException("setting " + key + ": no file " + file);
        }
        LOG.info("{}: no {}, the shipped copy is used", key, file);
        return new InputStreamReader(shipped, StandardCharsets.UTF_8);
    }

    private static List<String> list(String csv) {
        return Arrays.stream(csv.split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }
}
