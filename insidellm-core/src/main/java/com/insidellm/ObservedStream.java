package com.insidellm;

import java.util.Iterator;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A {@link Stream} of the same elements as another that reports them to a {@link ModelCallRecorder.StreamRecording}
 * as they are consumed, and its end or failure; apart from the recording because it is the JDK streams' plumbing,
 * not the recording's rules. Used by one consumer, as any stream.
 */
final class ObservedStream {

    private ObservedStream() {
    }

    static <T> Stream<T> of(Stream<T> source, ModelCallRecorder.StreamRecording<T> recording) {
        Iterator<T> iterator = source.iterator();
        Spliterator<T> observed = new Spliterators.AbstractSpliterator<T>(Long.MAX_VALUE, Spliterator.ORDERED) {
            @Override
            public boolean tryAdvance(Consumer<? super T> action) {
                boolean more;
                T element;
                try {
                    more = iterator.hasNext();
                    element = more ? iterator.next() : null;
                } catch (RuntimeException | Error e) {
                    recording.failed(e);
                    throw e;
                }
                if (!more) {
                    recording.completed();
                    return false;
                }
                recording.next(element);
                action.accept(element);
                return true;
            }
        };
        return StreamSupport.stream(observed, false).onClose(source::close);
    }
}
