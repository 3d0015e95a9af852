import de.bwaldvogel.mongo.MongoBackend;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.MongoVersion;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * Starts mongo-java-server (a MongoDB wire-protocol server; the library has no main class)
 * for relearn's test stack. Run as a single-file source program by scripts/stack.sh:
 *
 *   java -cp '.stack/mongo/libs/*' scripts/stack/MongoLauncher.java [--host H] [--port P] [--file F]
 *
 * Without --file (or STACK_MONGO_FILE) the data lives in memory and is gone at exit. With a
 * file the H2 MVStore backend keeps it, for fault tests that restart the database process.
 */
public final class MongoLauncher {

    // Commands after which the H2 store is committed, so that a write the client saw
    // acknowledged survives even a SIGKILL of this process (MVStore's own auto-commit runs
    // up to a second later, which would make kill-and-restart tests lose recent writes).
    private static final Set<String> WRITING_CALLS = Set.of("handleCommand", "handleMessage", "handleQuery", "dropDatabase");

    // The library's own MONGO_5_0 announces wire version 8, which the Node.js driver 7.x
    // refuses (it needs at least 9, MongoDB 4.4). MongoDB 5.0's real wire version is 13.
    private static final MongoVersion REPORTED_VERSION = new MongoVersion() {
        @Override
        public List<Integer> getVersionArray() {
            return List.of(5, 0, 0);
        }

        @Override
        public int getWireVersion() {
            return 13;
        }
    };

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            // Netty's non-daemon threads would keep a half-started JVM alive after a failed bind.
            e.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String[] args) throws Exception {
        String host = "127.0.0.1";
        int port = 27018;
        String file = emptyToNull(System.getenv("STACK_MONGO_FILE"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = valueAfter(args, i++);
                case "--port" -> port = Integer.parseInt(valueAfter(args, i++));
                case "--file" -> file = emptyToNull(valueAfter(args, i++));
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (expected --host, --port or --file)");
            }
        }

        MongoBackend backend = (file == null ? new MemoryBackend() : committingEveryWrite(openH2(file))).version(REPORTED_VERSION);
        MongoServer server = new MongoServer(backend);
        server.bind(host, port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("mongo-java-server shutting down");
            server.shutdownNow();
        }, "mongo-launcher-shutdown"));
        System.out.println("mongo-java-server listening on " + host + ":" + port
            + (file == null ? " (memory backend)" : " (H2 MVStore backend, file " + file + ")"));

        new CountDownLatch(1).await();
    }

    private static H2Backend openH2(String file) throws Exception {
        Path parent = Path.of(file).toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        return new H2Backend(file);
    }

    private static MongoBackend committingEveryWrite(H2Backend h2) {
        return (MongoBackend) Proxy.newProxyInstance(
            MongoBackend.class.getClassLoader(),
            new Class<?>[] {MongoBackend.class},
            (proxy, method, methodArgs) -> {
                Object result;
                try {
                    result = method.invoke(h2, methodArgs);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                } finally {
                    if (WRITING_CALLS.contains(method.getName())) {
                        h2.commit();
                    }
                }
                // version() returns the backend itself: hand back the proxy so commits keep happening.
                return result == h2 ? proxy : result;
            });
    }

    private static String valueAfter(String[] args, int i) {
        if (i + 1 >= args.length) {
            throw new IllegalArgumentException(args[i] + " needs a value");
        }
        return args[i + 1];
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
