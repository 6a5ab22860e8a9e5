package com.insidellm.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the README's Java code compiling: every {@code ```java} block of the root README must be, line for line, a
 * region of compiled code in this module marked {@code // README: <name>} ... {@code // end README} (regions with the
 * same name in one file are joined), and every such region must appear in the README.
 */
class ReadmeSnippetsTest {

    private static final Path MODULE = Path.of(System.getProperty("user.dir"));
    private static final Path README = MODULE.resolveSibling("README.md");
    private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern START = Pattern.compile("^\\s*// README: (.+)$");
    private static final Pattern END = Pattern.compile("^\\s*// end README$");

    @Test
    void everyJavaBlockOfTheReadmeIsCompiledCode() {
        Map<String, String> regions = regions();
        assertThat(regions).as("README regions in examples/src").isNotEmpty();
        List<String> blocks = readmeBlocks();
        assertThat(blocks).as("```java blocks in " + README).isNotEmpty();
        for (String block : blocks) {
            assertThat(regions.values())
                    .as("this README block is not a '// README:' region of compiled code in examples/src:%n%s", block)
                    .contains(block);
        }
    }

    @Test
    void everyMarkedRegionIsShownInTheReadme() {
        List<String> blocks = readmeBlocks();
        regions().forEach((name, code) -> assertThat(blocks)
                .as("the region '%s' is marked for the README but the README does not show it:%n%s", name, code)
                .contains(code));
    }

    private static List<String> readmeBlocks() {
        List<String> blocks = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(read(README));
        while (m.find()) {
            blocks.add(m.group(1).stripTrailing());
        }
        return blocks;
    }

    /** Region name (qualified by its file) to its code, each piece dedented. */
    private static Map<String, String> regions() {
        Map<String, String> regions = new LinkedHashMap<>();
        try (Stream<Path> files = Files.walk(MODULE.resolve("src"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                String name = null;
                List<String> piece = new ArrayList<>();
                for (String line : read(file).split("\n", -1)) {
                    Matcher start = START.matcher(line);
                    if (name == null && start.matches() && !file.endsWith("ReadmeSnippetsTest.java")) {
                        name = file.getFileName() + ": " + start.group(1).trim();
                        piece.clear();
                    } else if (name != null && END.matcher(line).matches()) {
                        String code = dedent(piece);
                        regions.merge(name, code, (a, b) -> a + "\n" + b);
                        name = null;
                    } else if (name != null) {
                        piece.add(line);
                    }
                }
                assertThat(name).as("a '// README:' region in %s has no '// end README'", file).isNull();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return regions;
    }

    private static String dedent(List<String> lines) {
        int indent = lines.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        StringBuilder out = new StringBuilder();
        for (String line : lines) {
            out.append(line.isBlank() ? "" : line.substring(indent).stripTrailing()).append('\n');
        }
        return out.toString().stripTrailing();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
