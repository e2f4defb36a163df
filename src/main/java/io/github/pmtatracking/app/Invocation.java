package io.github.pmtatracking.app;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What the command line asks for: {@code [app [flags]]...}. No app means every long-running
 * service; each app name is followed by its own flags ({@code tracker -in_hostport :8888 feeder}).
 *
 * @param apps  the apps to run, in order
 * @param flags the flags given, as settings keys ({@code acct_etl.infile})
 * @param rest  arguments handed on to a plain command (linktool's subcommand and its flags)
 */
public record Invocation(List<App> apps, Map<String, String> flags, List<String> rest) {

    /** A command line that cannot run; the message is one line for the user. */
    public static final class UsageException extends Exception {
        private final boolean help;
        private final App app;

        UsageException(String message, boolean help) {
            this(message, help, null);
        }

        UsageException(String message, boolean help, App app) {
            super(message, null, false, false);
            this.help = help;
            this.app = app;
        }

        /** The app whose flags were asked for with -h, or null. */
        public App app() {
            return app;
        }

        /** True when the user asked for help (exit 0) rather than made a mistake (exit 2). */
        public boolean help() {
            return help;
        }
    }

    public static Invocation parse(List<String> args) throws UsageException {
        if (args.isEmpty()) {
            return new Invocation(App.services(), Map.of(), List.of());
        }
        List<App> apps = new ArrayList<>();
        Map<String, String> flags = new LinkedHashMap<>();
        int i = 0;
        while (i < args.size()) {
            String word = args.get(i);
            if (word.equals("-h") || word.equals("-help") || word.equals("--help") || word.equals("help")) {
                throw new UsageException(usage(), true);
            }
            App app = App.byCommand(word).orElseThrow(() -> new UsageException(
                    "unknown app '" + word + "'\n" + usage(), false));
            if (apps.contains(app)) {
                throw new UsageException("app '" + word + "' named twice", false);
            }
            apps.add(app);
            i++;
            if (app == App.LINKTOOL) {
                if (apps.size() > 1) {
                    throw new UsageException("linktool runs alone", false);
                }
                return new Invocation(apps, flags, List.copyOf(args.subList(i, args.size())));
            }
            GoFlagSet set = app.flags();
            GoFlagSet.Parsed parsed;
            try {
                parsed = set.parse(args.subList(i, args.size()));
            } catch (GoFlagSet.HelpRequested e) {
                throw new UsageException(set.usage(), true, app);
            } catch (GoFlagSet.FlagException e) {
                throw new UsageException(e.getMessage() + "\n" + set.usage(), false);
            }
            parsed.given().forEach((k, v) -> flags.put(app.command() + "." + k, v));
            i = args.size() - parsed.rest().size();
        }
        return new Invocation(List.copyOf(apps), flags, List.of());
    }

    public static String usage() {
        String names = java.util.Arrays.stream(App.values()).map(App::command).collect(Collectors.joining(", "));
        return "Usage: pmta-tracking [app [flags]]...\n"
                + "  apps: " + names + "\n"
                + "  with no app, runs the long-running services together\n"
                + "  <app> -h shows the flags of an app\n";
    }
}
