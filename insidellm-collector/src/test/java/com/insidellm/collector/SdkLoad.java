package com.insidellm.collector;

import com.insidellm.ClientStats;
import com.insidellm.Event;
import com.insidellm.InsideLlmClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Manual measurement, not a test: the real SDK client (default batch size and settings, queue large enough not to
 * drop) sending to an in-process collector. Args: events, [durability process|power], [nodelay]: with
 * {@code nodelay} the client's OkHttp sockets get TCP_NODELAY through the SDK's {@code httpClient(..)} hook;
 * [batch size] overrides the SDK's default batch size; [v4] sets every event's id explicitly to a random version-4 id
 * (the same kind the SDK generates). Prints wall-clock throughput and the CPU time of the
 * whole process (SDK and collector together) per event, which depends less on what else the machine is doing.
 */
public final class SdkLoad {

  private SdkLoad() {}

  public static void main(String[] args) throws Exception {
    int total = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    Durability durability = args.length > 1 && args[1].equals("power") ? Durability.POWER_LOSS
        : Durability.PROCESS_CRASH;
    Path db = Files.createTempDirectory("sdkload").resolve("load.db");
    try (InsideLlmCollector collector = InsideLlmCollector.builder().port(0).databasePath(db)
        .durability(durability).build()) {
      collector.start();
      InsideLlmClient.Builder builder = InsideLlmClient.builder().apiKey("load-test-key")
          .baseUrl(collector.baseUrl().toString()).maxQueueSize(total + 1000).shutdownHook(false);
      if (args.length > 3) {
        builder.batchSize(Integer.parseInt(args[3]));
      }
      if (args.length > 2 && args[2].equals("nodelay")) {
        builder.httpClient(new okhttp3.OkHttpClient.Builder().socketFactory(new NoDelaySockets()).build());
      }
      try (InsideLlmClient client = builder.build()) {
        boolean randomIds = args.length > 4 && args[4].equals("v4");
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
            .getOperatingSystemMXBean();
        String run = client.startRun("load");
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        for (int i = 0; i < total; i++) {
          String text = "a typical user message of moderate length " + i;
          client.logEvent(randomIds
              ? Event.builder(com.insidellm.EventType.USER_INPUT).runId(run).userId("load")
                  .eventId(java.util.UUID.randomUUID().toString()).payloadEntry("input_text", text).build()
              : Event.userInput(run, "load", text));
        }
        client.flush(Duration.ofMinutes(5));
        double s = (System.nanoTime() - t0) / 1e9;
        double cpuMicros = (os.getProcessCpuTime() - cpu0) / 1e3;
        ClientStats stats = client.stats();
        System.out.printf("%s, %s ids: %,d events sent in %.2f s = %,.0f events/s, %.1f µs process CPU per event"
            + " (failed %d, dropped %d, batches %d)%n", durability, randomIds ? "explicit random" : "SDK-generated",
            stats.eventsSent(), s, stats.eventsSent() / s, cpuMicros / stats.eventsSent(), stats.eventsFailed(),
            stats.eventsDropped(), stats.batchesSent());
      }
    }
  }

  /** Plain sockets with Nagle's algorithm off. */
  static final class NoDelaySockets extends javax.net.SocketFactory {
    private final javax.net.SocketFactory delegate = javax.net.SocketFactory.getDefault();

    private static java.net.Socket noDelay(java.net.Socket s) throws java.io.IOException {
      s.setTcpNoDelay(true);
      return s;
    }

    @Override
    public java.net.Socket createSocket() throws java.io.IOException {
      return noDelay(delegate.createSocket());
    }

    @Override
    public java.net.Socket createSocket(String host, int port) throws java.io.IOException {
      return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public java.net.Socket createSocket(String host, int port, java.net.InetAddress local, int localPort)
        throws java.io.IOException {
      return noDelay(delegate.createSocket(host, port, local, localPort));
    }

    @Override
    public java.net.Socket createSocket(java.net.InetAddress host, int port) throws java.io.IOException {
      return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public java.net.Socket createSocket(java.net.InetAddress address, int port, java.net.InetAddress local,
        int localPort) throws java.io.IOException {
      return noDelay(delegate.createSocket(address, port, local, localPort));
    }
  }
}
