import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.temporal.internal.testservice.GRPCServerHelper;
import io.temporal.internal.testservice.TestServicesStarter;
import java.net.InetSocketAddress;

/**
 * Temporal's time-skipping test server as `io.temporal.testserver.TestServer <port>` starts it
 * (time skipping locked until a test unlocks it), but bound to 127.0.0.1: the stock server has no
 * bind flag and listens on every interface. `-Dfleet.bind=<address>` binds elsewhere.
 * Compiled once by tools/infra/src/temporal-test-server.ts against the server's own classpath.
 */
public final class LoopbackTestServer {
  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("Usage: LoopbackTestServer <port>");
      System.exit(2);
    }
    int port = Integer.parseInt(args[0]);
    String host = System.getProperty("fleet.bind", "127.0.0.1");
    TestServicesStarter services = new TestServicesStarter(true, 0);
    // grpc-java 1.58 (the server's) has no Grpc.newServerBuilderForAddress: the (shaded) Netty builder binds an address.
    ServerBuilder<?> builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, port), InsecureServerCredentials.create());
    GRPCServerHelper.registerServicesAndHealthChecks(services.getServices(), builder);
    Server server = builder.build().start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.shutdownNow();
      services.close();
    }));
    server.awaitTermination();
  }
}
