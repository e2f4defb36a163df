package io.github.pmtatracking.linktool;

import io.github.pmtatracking.app.GoFlagSet;
import io.github.pmtatracking.link.DecodedLink;
import io.github.pmtatracking.link.LinkCodec;
import io.github.pmtatracking.link.LinkRefusedException;
import io.github.pmtatracking.link.TrackingAction;
import io.github.pmtatracking.link.TrackingLink;
import java.io.PrintStream;
import java.net.URI;
import java.util.List;

/**
 * {@code linktool encode ...} and {@code linktool decode URL}, with the original's flags and output.
 * With {@code link.secret} set, encoded links are signed and decoded links verified.
 */
public final class LinkTool {

    private final String secret;
    private final PrintStream out;
    private final PrintStream err;

    public LinkTool(String secret, PrintStream out, PrintStream err) {
        this.secret = secret == null ? "" : secret;
        this.out = out;
        this.err = err;
    }

    static GoFlagSet encodeFlags() {
        return new GoFlagSet("encode", "")
                .string("action", "open", "[open|initial_open|click]")
                .string("message_id", "0000123456789abcdef0", "message_id")
                .string("rcpt_to", "any@example.com", "rcpt_to")
                .string("target_link_url", "https://example.com", "URL of your target link")
                .string("target_link_name", "", "name of the link (data-msys-linkname), reported as target_link_name")
                .string("tracking_url", "http://localhost:8888", "URL of your tracking service endpoint");
    }

    public String usage() {
        String encode = encodeFlags().usage();
        return "linktool [encode|decode] encode and decode link URLs\n"
                + "encode\n" + encode.substring(encode.indexOf('\n') + 1)
                + "decode url\n"
                + (secret.isEmpty() ? "" : "(link.secret is set: links are signed and verified)\n");
    }

    /** Runs the tool and returns the process exit code. */
    public int run(List<String> args) {
        if (args.isEmpty()) {
            err.print(usage());
            return 2;
        }
        String cmd = args.get(0);
        List<String> rest = args.subList(1, args.size());
        return switch (cmd) {
            case "encode" -> encode(rest);
            case "decode" -> decode(rest);
            case "-h", "-help", "--help", "help" -> {
                out.print(usage());
                yield 0;
            }
            default -> {
                err.println("linktool: unknown command '" + cmd + "' (encode or decode)");
                err.print(usage());
                yield 2;
            }
        };
    }

    private int encode(List<String> args) {
        GoFlagSet flags = encodeFlags();
        GoFlagSet.Parsed parsed;
        try {
            parsed = flags.parse(args);
        } catch (GoFlagSet.HelpRequested e) {
            out.print(usage());
            return 0;
        } catch (GoFlagSet.FlagException e) {
            err.println("linktool: " + e.getMessage());
            return 2;
        }
        if (!parsed.rest().isEmpty()) {
            err.println("linktool: unexpected argument '" + parsed.rest().get(0) + "'");
            return 2;
        }
        String action = value(flags, parsed, "action");
        TrackingAction a = TrackingAction.fromEventType(action).orElse(null);
        if (a == null) {
            err.println("linktool: invalid -action '" + action + "' (open, initial_open or click)");
            return 2;
        }
        String target = a == TrackingAction.CLICK ? value(flags, parsed, "target_link_url") : "";
        TrackingLink link = new TrackingLink(a, target, value(flags, parsed, "message_id"),
                value(flags, parsed, "rcpt_to"), value(flags, parsed, "target_link_name"));
        try {
            out.println(codec().encode(value(flags, parsed, "tracking_url"), link));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("linktool: " + e.getMessage());
            return 1;
        }
    }

    private int decode(List<String> args) {
        if (args.size() != 1 || args.get(0).startsWith("-")) {
            err.println(args.contains("-h") || args.contains("-help") ? "" : "linktool: decode takes one URL");
            err.print(usage());
            return args.contains("-h") || args.contains("-help") ? 0 : 2;
        }
        String url = args.get(0);
        DecodedLink d;
        try {
            d = codec().decodeUrl(url);
        } catch (LinkRefusedException e) {
            err.println("linktool: cannot decode " + abbreviate(url) + ": " + e.getMessage() + " (" + e.reason().label() + ")");
            return 1;
        }
        URI uri = URI.create(url.trim());
        TrackingLink link = d.link();
        out.println("JSON: " + d.json());
        out.println("Equivalent to encode -tracking_url " + uri.getScheme() + "://" + uri.getRawAuthority() + d.prefix()
                + " -rcpt_to " + link.rcptTo() + " -action " + link.action().eventType()
                + " -target_link_url " + link.targetUrl() + " -message_id " + link.messageId()
                + (link.linkName().isEmpty() ? "" : " -target_link_name '" + link.linkName() + "'"));
        if (!secret.isEmpty()) {
            out.println(d.signed() ? "Signature: valid" : "Signature: none (accepted only with -accept_unsigned)");
        }
        return 0;
    }

    private LinkCodec codec() {
        // decoding here reports an unsigned link rather than refusing it
        return LinkCodec.builder().secret(secret).acceptUnsigned(true).build();
    }

    private static String value(GoFlagSet flags, GoFlagSet.Parsed parsed, String name) {
        return parsed.given().getOrDefault(name, flags.flags().get(name).defaultValue());
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
