package io.shipsync;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.shipsync.TestDatabase.Database;

import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/**
 * In the PostgreSQL test pass ({@link TestDatabase}), points each Spring test context at
 * the PostgreSQL database of its {@code shipsync.data-dir}, unless the test chose a
 * database itself. Registered in {@code META-INF/spring.factories}, so that no test has
 * to ask for it.
 */
class TestDatabaseContextCustomizerFactory implements ContextCustomizerFactory {

    @Override
    public ContextCustomizer createContextCustomizer(Class<?> testClass,
            List<ContextConfigurationAttributes> configAttributes) {
        return TestDatabase.isPostgresql() ? new PostgresqlDatabase() : null;
    }

    /**
     * A record, so that contexts it customises stay equal and Spring's context cache
     * still shares them.
     */
    private record PostgresqlDatabase() implements ContextCustomizer {

        @Override
        public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration mergedConfig) {
            // the data folder is known only once the context refreshes: tests name it in
            // @DynamicPropertySource methods, which are called after this one
            context.addBeanFactoryPostProcessor(beanFactory -> pointAtDatabase(context.getEnvironment()));
        }

        private static void pointAtDatabase(ConfigurableEnvironment environment) {
            if (environment.containsProperty("spring.datasource.url")) {
                return;
            }
            // the default of ShipsyncProperties.dataDir
            Path dataDir = Path.of(environment.getProperty("shipsync.data-dir", "data"));
            Database database = TestDatabase.forDataDir(dataDir);
            environment.getPropertySources()
                .addFirst(new MapPropertySource("postgresqlTestDatabase",
                        Map.of("spring.datasource.url", database.url(), "spring.datasource.username",
                                database.username(), "spring.datasource.password", database.password())));
        }

    }

}
