package io.mga.cli;

import io.mga.api.Ipv6Address;
import io.mga.api.Ipv6Prefix;
import io.mga.api.Model;
import io.mga.api.SelectionPolicy;
import io.mga.cli.log.Level;
import io.mga.engine.Policies;
import io.mga.pcapio.link.MacAddress;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.TypeConversionException;

/**
 * The role commands' value parsers: each refuses a bad value with a message naming what is accepted (picocli
 * puts the option's name before it), never a Java class name. Enumerated values are case-insensitive.
 */
final class Converters {
    private Converters() {
    }

    /** Ethernet address text. */
    static final class Mac implements CommandLine.ITypeConverter<MacAddress> {
        @Override
        public MacAddress convert(String value) {
            try {
                return MacAddress.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not an Ethernet address (aa:bb:cc:dd:ee:ff): "
                        + e.getMessage());
            }
        }
    }

    /** IPv6 address text. */
    static final class Address implements CommandLine.ITypeConverter<Ipv6Address> {
        @Override
        public Ipv6Address convert(String value) {
            try {
                return Ipv6Address.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not an IPv6 address: " + e.getMessage());
            }
        }
    }

    /**
     * An anycast address: RFC 4291 §2.6, anycast addresses are allocated from the unicast address space, so not
     * a multicast, link-local, loopback, unspecified or IPv4-mapped address.
     */
    static final class Anycast implements CommandLine.ITypeConverter<Ipv6Address> {
        @Override
        public Ipv6Address convert(String value) {
            Ipv6Address a = new Address().convert(value);
            check(value, a);
            return a;
        }

        static void check(String value, Ipv6Address a) {
            String why = a.isMulticast() ? "multicast" : a.isLinkLocal() ? "link-local" : a.isLoopback() ? "loopback"
                    : a.isUnspecified() ? "unspecified" : a.isIpv4Mapped() ? "IPv4-mapped" : null;
            if (why != null) {
                throw new TypeConversionException("'" + value + "' is " + why + ": an anycast address has the"
                        + " global unicast format (RFC 4291 §2.6), e.g. 2001:db8:a::53");
            }
        }
    }

    /** An anycast prefix (or a single address as /128), of the global unicast format. */
    static final class AnycastPrefix implements CommandLine.ITypeConverter<Ipv6Prefix> {
        @Override
        public Ipv6Prefix convert(String value) {
            Ipv6Prefix p;
            try {
                p = Ipv6Prefix.parse(value.contains("/") ? value : value + "/128");
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("'" + value + "' is not an IPv6 prefix (ADDR/LEN): " + e.getMessage());
            }
            Anycast.check(value, p.address());
            return p;
        }
    }

    /** The Basic or the Advanced Model. */
    static final class ModelName implements CommandLine.ITypeConverter<Model> {
        @Override
        public Model convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT)) {
                case "basic" -> Model.BASIC;
                case "advanced" -> Model.ADVANCED;
                default -> throw new TypeConversionException("'" + value + "' is not a model: basic or advanced");
            };
        }
    }

    /** The selection policies by name. */
    static final class Policy implements CommandLine.ITypeConverter<SelectionPolicy> {
        /** The names accepted, the library's default (round-robin in the Advanced Model) first. */
        static final List<String> NAMES = List.of("round-robin", "first", "weighted", "least-loaded", "nearest",
                "rendezvous", "table");

        @Override
        public SelectionPolicy convert(String value) {
            return switch (value.strip().toLowerCase(Locale.ROOT).replace('_', '-')) {
                case "first" -> Policies.first();
                case "round-robin" -> Policies.roundRobin();
                case "weighted" -> Policies.weighted();
                case "least-loaded" -> Policies.leastLoaded();
                case "nearest" -> Policies.nearest();
                case "rendezvous" -> Policies.rendezvous();
                case "table" -> new TableName();
                default -> throw new TypeConversionException("'" + value + "' is not a policy: "
                        + String.join(", ", NAMES));
            };
        }
    }

    /**
     * {@code --policy table}, before the command gives it its key ({@link io.mga.engine.Policies#table}); never
     * handed to an agent.
     */
    static final class TableName implements SelectionPolicy {
        @Override
        public int select(long initiatorHigh, long initiatorLow, Candidates candidates) {
            throw new IllegalStateException("--policy table was not given its key");
        }
    }

    /** Completion candidates (and help) for {@code --policy}. */
    static final class PolicyNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Policy.NAMES.iterator();
        }
    }

    /** A log level. */
    static final class LogLevel implements CommandLine.ITypeConverter<Level> {
        @Override
        public Level convert(String value) {
            try {
                return Level.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /**
     * Checks a number's range.
     *
     * @param cl the command line (for the exception)
     * @param option the option's name
     * @param value its value
     * @param min the least accepted
     * @param max the most accepted
     * @return the value
     * @throws CommandLine.ParameterException naming the option and the range
     */
    static long range(CommandLine cl, String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new CommandLine.ParameterException(cl, option + ": " + value + " is out of range: " + min + " to "
                    + max);
        }
        return value;
    }
}
