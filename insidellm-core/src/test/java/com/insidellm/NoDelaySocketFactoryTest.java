package com.insidellm;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import javax.net.SocketFactory;
import org.junit.jupiter.api.Test;

class NoDelaySocketFactoryTest {

    @Test
    void socketsForDeliveryHaveNaglesAlgorithmOff() throws Exception {
        SocketFactory factory = new HttpExporter.NoDelaySocketFactory(SocketFactory.getDefault());
        try (Socket socket = factory.createSocket()) {
            assertThat(socket.getTcpNoDelay()).isTrue();
        }
    }
}
