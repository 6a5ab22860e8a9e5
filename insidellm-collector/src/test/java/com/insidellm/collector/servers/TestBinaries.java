package com.insidellm.collector.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Finding the Debian binaries the tests start, and free ports. */
final class TestBinaries {

    static final String INSTALL_HINT = "run scripts/install-test-deps.sh (as root or with sudo) to install it;"
            + " CI runs it before the tests";

    private TestBinaries() {}

    /** {@code name} on the PATH or in {@code extraDirs}; fails the test (never skips it) when missing. */
    static Path require(String name, String packageName, List<Path> extraDirs) {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (Path dir : extraDirs) {
            Path p = dir.resolve(name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError(name + " (Debian package " + packageName + ") is not installed, and this test starts a"
                + " real server from it: " + INSTALL_HINT);
    }

    /** The newest {@code /usr/lib/postgresql/<version>/bin} that has initdb; fails when there is none. */
    static Path postgresBin() {
        Path root = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(root)) {
            try (Stream<Path> versions = Files.list(root)) {
                Path bin = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("initdb")) && Files.isExecutable(b.resolve("pg_ctl")))
                        .max(Comparator.comparingInt(b -> versionOf(b.getParent().getFileName().toString())))
                        .orElse(null);
                if (bin != null) {
                    return bin;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new AssertionError("PostgreSQL (Debian package postgresql: initdb and pg_ctl under"
                + " /usr/lib/postgresql/<version>/bin) is not installed, and this test starts a real server from it: "
                + INSTALL_HINT);
    }

    private static int versionOf(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
