package com.insidellm.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

class ContentRendererTest {

    record Address(String city, int zip) {
    }

    record Customer(String name, Address address, List<String> tags, Optional<String> nickname) {
    }

    static final class Unprintable {
        @Override
        public String toString() {
            throw new IllegalStateException("lazy proxy not initialised");
        }
    }

    static final class Entity {
        String getSecret() {
            throw new AssertionError("getters must not be called");
        }

        @Override
        public String toString() {
            return "Entity#7";
        }
    }

    @Test
    void recordsCollectionsAndScalarsBecomeJsonValues() {
        Object rendered = ContentRenderer.render(new Customer("Ada", new Address("Paris", 75001), List.of("vip"),
                Optional.empty()));
        assertThat(rendered).asInstanceOf(InstanceOfAssertFactories.map(String.class, Object.class))
                .containsExactly(entry("name", "Ada"), entry("address", Map.of("city", "Paris", "zip", 75001)),
                        entry("tags", List.of("vip")), entry("nickname", null));
        assertThat(ContentRenderer.render(new int[] {1, 2})).isEqualTo(List.of(1, 2));
        assertThat(ContentRenderer.render(Instant.parse("2025-01-02T03:04:05Z"))).isEqualTo("2025-01-02T03:04:05Z");
    }

    @Test
    void otherObjectsAreTheirTextAndGettersAreNeverCalled() {
        assertThat(ContentRenderer.render(new Entity())).isEqualTo("Entity#7");
        assertThat(ContentRenderer.render(new Unprintable())).isEqualTo(Unprintable.class.getName());
        assertThat(ContentRenderer.text(List.of(new Unprintable()))).contains(Unprintable.class.getName());
    }

    @Test
    void sizeAndDepthAreBounded() {
        List<Integer> many = IntStream.range(0, 5_000).boxed().toList();
        assertThat((List<?>) ContentRenderer.render(many)).hasSize(ContentRenderer.MAX_ELEMENTS);
        List<Object> deep = new ArrayList<>();
        List<Object> current = deep;
        for (int i = 0; i < 20; i++) {
            List<Object> next = new ArrayList<>();
            current.add(next);
            current = next;
        }
        Object rendered = ContentRenderer.render(deep);
        for (int i = 0; i < ContentRenderer.MAX_DEPTH; i++) {
            rendered = ((List<?>) rendered).get(0);
        }
        assertThat(rendered).isInstanceOf(String.class);
    }

    @Test
    void textJoinsAStreamedAnswer() {
        assertThat(ContentRenderer.text(List.of("Hel", "lo"))).isEqualTo("Hello");
        assertThat(ContentRenderer.text(null)).isEmpty();
        assertThat(ContentRenderer.text(42)).isEqualTo("42");
    }
}
