package io.github.pmtatracking.app;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Camel's route watcher, made safe for files edited in place on a running service. Camel's own
 * watcher removes a file's routes and then loads the new text; a half-written save or a typo leaves
 * the service without its route (the tracker then answers 503 to every click) until the next good
 * save. This one waits for the file to settle, skips saves that change nothing, and when the new
 * text does not load, or loads no route, it puts the running version back and logs why.
 *
 * <p>Only the changed file's routes restart: editing feeder.yaml leaves the listeners alone.
 */
final class GuardedRouteReload extends RouteWatcherReloadStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(GuardedRouteReload.class);
    private static final long SETTLE_MILLIS = 200;

    /** File name to the text of the version that runs, and to the last text refused. */
    private final Map<String, String> running = new ConcurrentHashMap<>();
    private final Map<String, String> refusedText = new ConcurrentHashMap<>();
    private final AtomicLong reloads = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private DefaultCamelContext scratch;

    GuardedRouteReload(Path directory, List<String> files) {
        super(directory.toString(), false);
        setPattern(String.join(",", files));
        setRemoveAllRoutes(false);
        for (String f : files) {
            try {
                running.put(f, Files.readString(directory.resolve(f), StandardCharsets.UTF_8));
            } catch (IOException e) {
                // not on disk: the jar's copy runs, and a file created later is loaded as new
            }
        }
    }

    long reloads() {
        return reloads.get();
    }

    long refused() {
        return refused.get();
    }

    @Override
    protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
        for (Resource resource : resources) {
            reload(resource);
        }
    }

    private void reload(Resource resource) {
        Path file = Path.of(resource.getLocation().replaceFirst("^file:", ""));
        String name = file.getFileName().toString();
        String text = settled(file);
        if (text == null || text.equals(running.get(name)) || text.equals(refusedText.get(name))) {
            return; // gone, or saved without a change (editors often write twice)
        }
        // a file that does not even parse is refused before the running routes are touched
        String problem = parseProblem(resource.getLocation(), text);
        boolean touched = false;
        if (problem == null) {
            touched = true;
            try {
                super.onRouteReload(List.of(ResourceHelper.fromString(resource.getLocation(), text)), false);
                problem = routesFrom(resource) == 0 ? "it defines no route" : null;
            } catch (RuntimeException e) {
                problem = message(e);
            }
        }
        if (problem == null) {
            running.put(name, text);
            refusedText.remove(name);
            reloads.incrementAndGet();
            LOG.info("routes/{} reloaded", name);
            return;
        }
        refused.incrementAndGet();
        refusedText.put(name, text);
        LOG.error("routes/{} was not loaded: {}. The previous version keeps running; fix the file and save it again.",
                name, problem);
        String previous = running.get(name);
        if (touched && previous != null) {
            try {
                // through Camel's own step, which then forgets the failed text (it would otherwise
                // try it again with the next file that changes)
                super.onRouteReload(List.of(ResourceHelper.fromString(resource.getLocation(), previous)), false);
            } catch (RuntimeException e) {
                LOG.error("routes/{}: the previous version did not start again either: {}", name, message(e));
            }
        }
    }

    /**
     * Why the text does not load as routes (YAML syntax, unknown keys...), or null. A context of
     * its own, never started, holds the definitions for the moment of the check.
     */
    private String parseProblem(String location, String text) {
        if (scratch == null) {
            scratch = new DefaultCamelContext(false);
            scratch.getCamelContextExtension().setName("route-check");
        }
        try {
            PluginHelper.getRoutesLoader(scratch).loadRoutes(ResourceHelper.fromString(location, text));
            return null;
        } catch (Exception e) {
            return message(e);
        } finally {
            try {
                scratch.removeRouteDefinitions(new ArrayList<>(scratch.getRouteDefinitions()));
            } catch (Exception e) {
                scratch = null; // a fresh one next time
            }
        }
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        if (scratch != null) {
            scratch.close();
        }
    }

    /** The file's text once two reads a moment apart agree (a save in progress is not loaded). */
    private static String settled(Path file) {
        try {
            String before = Files.readString(file, StandardCharsets.UTF_8);
            for (int i = 0; i < 25; i++) {
                Thread.sleep(SETTLE_MILLIS);
                String now = Files.readString(file, StandardCharsets.UTF_8);
                if (now.equals(before)) {
                    return now;
                }
                before = now;
            }
            return before;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private long routesFrom(Resource resource) {
        return getCamelContext().getRoutes().stream()
                .filter(r -> r.getSourceResource() != null && resource.getLocation().equals(r.getSourceResource().getLocation()))
                .count();
    }

    /** What went wrong, and the root cause when that says more (a YAML error's line and column). */
    private static String message(Throwable e) {
        Throwable top = e;
        while (top.getCause() != null && (top.getMessage() == null || top.getMessage().startsWith("org.apache.camel."))) {
            top = top.getCause();
        }
        Throwable root = top;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = String.valueOf(top.getMessage());
        if (root != top && root.getMessage() != null && !m.contains(root.getMessage())) {
            m = m + ": " + root.getMessage().replaceAll("\\s+", " ");
        }
        return m.length() > 600 ? m.substring(0, 600) + "..." : m;
    }
}
