package io.shipsync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.apache.camel.CamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.stereotype.Component;

/**
 * What Camel's live route reload ({@code camel.main.routes-reload-enabled}) does with a
 * saved route file: its routes are replaced, and when the new ones cannot be made they
 * are put back as they were. Camel's own reload leaves the routes running only when the
 * file cannot be read; when it reads but a route cannot be made (a bean that does not
 * exist, say), it has already removed the file's routes, and they stay gone. Camel's
 * watcher still finds the file and logs the failure with its cause; only the saved file's
 * routes are touched, so the routes made from templates at start-up (one per store, one
 * per courier) stay.
 */
@Component
@ConditionalOnProperty("camel.main.routes-reload-enabled")
class RoutesReload implements CamelContextConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RoutesReload.class);

    /** The content of each route file as its routes run now. */
    private final Map<Path, String> running = new ConcurrentHashMap<>();

    @Override
    public void beforeApplicationStart(CamelContext camel) {
        RouteWatcherReloadStrategy watcher = camel.hasService(RouteWatcherReloadStrategy.class);
        // the routes were loaded from these files just before
        try (Stream<Path> files = Files.list(Path.of(watcher.getFolder()))) {
            files.filter(Files::isRegularFile).forEach(file -> running.put(key(file), read(file)));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        watcher.setResourceReload((name, resource) -> reload(camel, resource));
    }

    @Override
    public void afterApplicationStart(CamelContext camel) {
        // the watcher starts with the context
    }

    private void reload(CamelContext camel, Resource saved) throws Exception {
        Path file = key(Path.of(saved.getLocation().replaceFirst("^file:", "")));
        // read once: what is remembered is what was loaded, even if the file is saved
        // again meanwhile
        String content = read(file);
        try {
            Set<String> routes = PluginHelper.getRoutesLoader(camel)
                .updateRoutes(Set.of(ResourceHelper.fromString(saved.getLocation(), content)));
            running.put(file, content);
            log.info("Routes reloaded from {}: {}", file.getFileName(), routes);
        }
        catch (Exception e) {
            String previous = running.get(file);
            if (previous != null) {
                PluginHelper.getRoutesLoader(camel)
                    .updateRoutes(Set.of(ResourceHelper.fromString(saved.getLocation(), previous)));
                log.warn("Routes of {} kept as they were: the saved file cannot be loaded (the reason follows)",
                        file.getFileName());
            }
            // Camel's watcher logs the file and the cause
            throw e;
        }
    }

    private static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

}
