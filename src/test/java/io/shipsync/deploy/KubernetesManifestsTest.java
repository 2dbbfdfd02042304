package io.shipsync.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.camel.cluster.CamelClusterService;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.file.springboot.cluster.FileLockClusterServiceAutoConfiguration;
import org.apache.camel.component.kubernetes.cluster.KubernetesClusterService;
import org.apache.camel.component.kubernetes.springboot.cluster.KubernetesClusterServiceAutoConfiguration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The manifests in {@code deploy/kubernetes} against the application they deploy: its
 * configuration as Spring Boot reads it from {@code config/} (the default profile, and
 * the kubernetes profile the Deployment activates) and the cluster services Camel's
 * starters make of it. A port, path, profile key or Role that drifts from what the
 * application does fails here, not in a cluster.
 */
class KubernetesManifestsTest {

    private static final Path MANIFESTS = Path.of("deploy/kubernetes");

    private static final String EXAMPLE_SECRET = "secret.example.yaml";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** What the downward API would give: the pod's name. */
    private static final String POD_NAME = "shipsync-6b7f9c8d4-x2k7q";

    /** An environment variable named in the configuration: ${NAME} or ${NAME:default}. */
    private static final Pattern ENVIRONMENT_PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");

    /**
     * The calls of camel-kubernetes 4.17's cluster service, read in its sources: the lock
     * resource is read (get), created the first time (create) and taken or renewed with
     * an update that names the version read (NativeLeaseResourceManager,
     * ConfigMapLeaseResourceManager); the members are the pods with the cluster labels,
     * listed at every look (KubernetesLeadershipController.pullClusterMembers).
     */
    private static final Set<String> LOCK_VERBS = Set.of("get", "create", "update");

    private static final Map<String, Set<String>> MEMBER_CALLS = Map.of("/pods", Set.of("list"));

    @Test
    void the_probes_ask_the_management_port_for_health_groups_the_application_serves() {
        ConfigurableEnvironment config = shipsyncConfig("kubernetes");
        String health = config.getProperty("management.endpoints.web.base-path", "/actuator") + "/health";
        JsonNode container = container();

        assertThat(config.getProperty("management.endpoint.health.probes.enabled", Boolean.class))
            .as("management.endpoint.health.probes.enabled: the liveness and readiness groups exist")
            .isTrue();
        assertThat(Binder.get(config)
            .bind("management.endpoints.web.exposure.include", Bindable.setOf(String.class))
            .orElse(Set.of())).as("endpoints on the management port").contains("health");
        assertThat(config.getProperty("management.server.address"))
            .as("management.server.address: the kubelet probes the pod's address")
            .isEqualTo("0.0.0.0");

        int managementPort = config.getRequiredProperty("management.server.port", Integer.class);
        assertThat(probe(container, "startupProbe")).isEqualTo(new Probe(managementPort, health + "/liveness"));
        assertThat(probe(container, "livenessProbe")).isEqualTo(new Probe(managementPort, health + "/liveness"));
        assertThat(probe(container, "readinessProbe")).isEqualTo(new Probe(managementPort, health + "/readiness"));
    }

    @Test
    void the_management_port_open_to_the_pod_network_cannot_stop_routes() {
        assertThat(shipsyncConfig().getProperty("management.endpoint.camelroutes.read-only", Boolean.class))
            .as("default profile: the management port answers this machine only and may stop routes")
            .isFalse();
        assertThat(shipsyncConfig("kubernetes").getProperty("management.endpoint.camelroutes.read-only", Boolean.class))
            .as("kubernetes profile: the management port is on the pod network")
            .isTrue();
    }

    @Test
    void the_service_sends_webhook_and_admin_traffic_to_server_port_of_the_shipsync_pods() {
        int serverPort = shipsyncConfig("kubernetes").getRequiredProperty("server.port", Integer.class);
        JsonNode service = manifest("Service");

        assertThat(service.at("/spec/ports")).hasSize(1);
        assertThat(containerPort(container(), service.at("/spec/ports/0/targetPort"))).isEqualTo(serverPort);
        assertThat(service.at("/spec/selector")).as("the Service's selector").isNotEmpty();
        assertThat(podLabels()).containsAllEntriesOf(labels(service.at("/spec/selector")));
        // the Deployment's and the disruption budget's selectors likewise select these
        // pods
        assertThat(podLabels()).containsAllEntriesOf(labels(manifest("Deployment").at("/spec/selector/matchLabels")))
            .containsAllEntriesOf(labels(manifest("PodDisruptionBudget").at("/spec/selector/matchLabels")));
    }

    @Test
    void each_profile_turns_on_exactly_one_cluster_service() {
        clusterServices(shipsyncConfig())
            .run(context -> assertThat(context.getBeansOfType(CamelClusterService.class).values()).as("default profile")
                .singleElement()
                .isInstanceOf(FileLockClusterService.class));
        clusterServices(shipsyncConfig("kubernetes"))
            .run(context -> assertThat(context.getBeansOfType(CamelClusterService.class).values())
                .as("kubernetes profile")
                .singleElement()
                .isInstanceOf(KubernetesClusterService.class));
    }

    @Test
    void each_pod_is_a_cluster_member_under_its_own_name_with_lease_settings_camel_accepts() {
        KubernetesClusterService service = kubernetesClusterService();

        assertThat(env("SHIPSYNC_INSTANCE_ID").at("/valueFrom/fieldRef/fieldPath").asText())
            .as("SHIPSYNC_INSTANCE_ID from the downward API")
            .isEqualTo("metadata.name");
        assertThat(service.getPodName()).as("camel.cluster.kubernetes.pod-name").isEqualTo(POD_NAME);
        assertThat(service.getClusterLabels()).as("camel.cluster.kubernetes.cluster-labels: the members").isNotEmpty();
        assertThat(podLabels()).containsAllEntriesOf(service.getClusterLabels());

        // what Camel checks as a master: route starts, here before a rollout
        assertThat(service.getLeaseDurationMillis()).isGreaterThan(service.getRenewDeadlineMillis());
        assertThat((double) service.getRenewDeadlineMillis())
            .isGreaterThan(service.getJitterFactor() * service.getRetryPeriodMillis());
    }

    @Test
    void the_role_grants_what_the_cluster_service_calls_and_nothing_more() {
        String lockResource = switch (kubernetesClusterService().getLeaseResourceType()) {
            case Lease -> "coordination.k8s.io/leases";
            case ConfigMap -> "/configmaps";
        };
        Map<String, Set<String>> expected = new HashMap<>(MEMBER_CALLS);
        expected.put(lockResource, LOCK_VERBS);

        Map<String, Set<String>> granted = new HashMap<>();
        for (JsonNode rule : manifest("Role").at("/rules")) {
            for (JsonNode group : rule.at("/apiGroups")) {
                for (JsonNode resource : rule.at("/resources")) {
                    granted.put(group.asText() + "/" + resource.asText(), Set.copyOf(texts(rule.at("/verbs"))));
                }
            }
        }

        assertThat(granted).as("apiGroup/resource -> verbs").isEqualTo(expected);
        assertThat(manifest("Role").at("/rules").toString()).as("no wildcard").doesNotContain("\"*\"");
    }

    @Test
    void the_role_is_bound_to_the_account_the_pods_run_as() {
        JsonNode binding = manifest("RoleBinding");
        String account = manifest("ServiceAccount").at("/metadata/name").asText();

        assertThat(manifest("Deployment").at("/spec/template/spec/serviceAccountName").asText()).isEqualTo(account);
        assertThat(binding.at("/roleRef/kind").asText()).isEqualTo("Role");
        assertThat(binding.at("/roleRef/apiGroup").asText()).isEqualTo("rbac.authorization.k8s.io");
        assertThat(binding.at("/roleRef/name").asText()).isEqualTo(manifest("Role").at("/metadata/name").asText());
        assertThat(binding.at("/subjects")).singleElement().satisfies(subject -> {
            assertThat(subject.at("/kind").asText()).isEqualTo("ServiceAccount");
            assertThat(subject.at("/name").asText()).isEqualTo(account);
        });
    }

    @Test
    void every_secret_the_configuration_names_comes_from_the_secret() throws IOException {
        Set<String> secrets = environmentPlaceholders();
        secrets.remove("SHIPSYNC_INSTANCE_ID");
        JsonNode exampleSecret = YAML.readTree(MANIFESTS.resolve(EXAMPLE_SECRET).toFile());

        assertThat(secrets).contains("SPRING_DATASOURCE_PASSWORD", "SHIPSYNC_ADMIN_TOKEN");
        assertThat(secrets).allSatisfy(name -> {
            JsonNode ref = env(name).at("/valueFrom/secretKeyRef");
            assertThat(ref.isMissingNode()).as("%s from a secretKeyRef", name).isFalse();
            assertThat(ref.at("/name").asText()).isEqualTo(exampleSecret.at("/metadata/name").asText());
            assertThat(exampleSecret.at("/stringData").has(ref.at("/key").asText()))
                .as("%s's key in %s", name, EXAMPLE_SECRET)
                .isTrue();
        });
        assertThat(container().at("/env")).allSatisfy(variable -> {
            if (variable.has("value")) {
                assertThat(variable.at("/name").asText()).as("a variable with a literal value")
                    .doesNotContainIgnoringCase("token")
                    .doesNotContainIgnoringCase("secret")
                    .doesNotContainIgnoringCase("password")
                    .doesNotContainIgnoringCase("key")
                    .doesNotContainIgnoringCase("datasource");
            }
        });
        assertThat(exampleSecret.at("/stringData")).as("%s holds placeholders only", EXAMPLE_SECRET)
            .allSatisfy(value -> assertThat(value.asText()).matches(".*<[a-z-]+>.*"));
    }

    @Test
    void a_pod_is_given_longer_to_stop_than_camel_waits_for_work_in_flight() {
        int shutdownTimeout = shipsyncConfig("kubernetes").getRequiredProperty("camel.main.shutdown-timeout",
                Integer.class);

        assertThat(manifest("Deployment").at("/spec/template/spec/terminationGracePeriodSeconds").asInt())
            .isGreaterThan(shutdownTimeout);
    }

    @Test
    void the_data_dir_and_the_inbox_are_on_the_volume_all_replicas_share() {
        ConfigurableEnvironment config = shipsyncConfig("kubernetes");
        JsonNode claim = manifest("PersistentVolumeClaim");
        String volume = null;
        for (JsonNode candidate : manifest("Deployment").at("/spec/template/spec/volumes")) {
            if (candidate.at("/persistentVolumeClaim/claimName").asText().equals(claim.at("/metadata/name").asText())) {
                volume = candidate.at("/name").asText();
            }
        }
        String mountPath = null;
        for (JsonNode mount : container().at("/volumeMounts")) {
            if (mount.at("/name").asText().equals(volume)) {
                mountPath = mount.at("/mountPath").asText();
            }
        }

        assertThat(texts(claim.at("/spec/accessModes"))).containsExactly("ReadWriteMany");
        assertThat(mountPath).as("where the claim is mounted").isNotNull();
        assertThat(Path.of(config.getRequiredProperty("shipsync.data-dir")).normalize())
            .startsWithRaw(Path.of(mountPath));
        assertThat(Path.of(config.getRequiredProperty("shipsync.inbox")).normalize()).startsWithRaw(Path.of(mountPath));
    }

    @Test
    void the_kustomization_lists_every_manifest_but_the_example_secret() throws IOException {
        List<String> files;
        try (Stream<Path> listing = Files.list(MANIFESTS)) {
            files = listing.map(file -> file.getFileName().toString())
                .filter(name -> name.endsWith(".yaml"))
                .filter(name -> !name.equals("kustomization.yaml") && !name.equals(EXAMPLE_SECRET))
                .toList();
        }
        JsonNode kustomization = kustomization();

        assertThat(texts(kustomization.at("/resources"))).containsExactlyInAnyOrderElementsOf(files);
        assertThat(kustomization.at("/images").findValuesAsText("name"))
            .as("the image kustomize replaces is the container's")
            .containsExactly(container().at("/image").asText());
    }

    private static ConfigurableEnvironment shipsyncConfig(String... profiles) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources()
            .addFirst(new MapPropertySource("pod", Map.of("SHIPSYNC_INSTANCE_ID", POD_NAME)));
        // as the application reads it: config/application.yaml, then
        // config/application-<profile>.yaml
        ConfigDataEnvironmentPostProcessor.applyTo(environment, null, null, profiles);
        return environment;
    }

    /**
     * Camel's two cluster-service starters, as auto-configured from the given
     * configuration.
     */
    private static ApplicationContextRunner clusterServices(ConfigurableEnvironment config) {
        return new ApplicationContextRunner().withInitializer(context -> context.setEnvironment(config))
            .withConfiguration(AutoConfigurations.of(FileLockClusterServiceAutoConfiguration.class,
                    KubernetesClusterServiceAutoConfiguration.class));
    }

    /**
     * The kubernetes profile's cluster service, made but never started: no API server is
     * asked.
     */
    private static KubernetesClusterService kubernetesClusterService() {
        List<KubernetesClusterService> service = new ArrayList<>();
        clusterServices(shipsyncConfig("kubernetes"))
            .run(context -> service.add(context.getBean(KubernetesClusterService.class)));
        return service.get(0);
    }

    /** The environment variables the configuration files name in their values. */
    private static Set<String> environmentPlaceholders() throws IOException {
        Set<String> names = new HashSet<>();
        for (String file : List.of("config/application.yaml", "config/application-kubernetes.yaml")) {
            collectPlaceholders(YAML.readTree(Path.of(file).toFile()), names);
        }
        return names;
    }

    private static void collectPlaceholders(JsonNode node, Set<String> names) {
        if (node.isValueNode()) {
            Matcher placeholder = ENVIRONMENT_PLACEHOLDER.matcher(node.asText());
            while (placeholder.find()) {
                names.add(placeholder.group(1));
            }
        }
        node.forEach(child -> collectPlaceholders(child, names));
    }

    private static JsonNode kustomization() {
        try {
            return YAML.readTree(MANIFESTS.resolve("kustomization.yaml").toFile());
        }
        catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
    }

    /** The one resource of this kind among the files the kustomization applies. */
    private static JsonNode manifest(String kind) {
        List<JsonNode> found = new ArrayList<>();
        for (String file : texts(kustomization().at("/resources"))) {
            try (MappingIterator<JsonNode> documents = YAML.readerFor(JsonNode.class)
                .readValues(MANIFESTS.resolve(file).toFile())) {
                documents.forEachRemaining(document -> {
                    if (document.at("/kind").asText().equals(kind)) {
                        found.add(document);
                    }
                });
            }
            catch (IOException ex) {
                throw new IllegalStateException(file, ex);
            }
        }
        assertThat(found).as("%s in the kustomization's resources", kind).hasSize(1);
        return found.get(0);
    }

    private static JsonNode container() {
        JsonNode containers = manifest("Deployment").at("/spec/template/spec/containers");
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static JsonNode env(String name) {
        for (JsonNode variable : container().at("/env")) {
            if (variable.at("/name").asText().equals(name)) {
                return variable;
            }
        }
        throw new AssertionError("no environment variable " + name + " in the Deployment's container");
    }

    private static Map<String, String> podLabels() {
        return labels(manifest("Deployment").at("/spec/template/metadata/labels"));
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new HashMap<>();
        node.fields().forEachRemaining(label -> labels.put(label.getKey(), label.getValue().asText()));
        return labels;
    }

    /**
     * A container port given by number or by the name of one of the container's ports.
     */
    private static int containerPort(JsonNode container, JsonNode port) {
        if (port.isInt()) {
            return port.asInt();
        }
        for (JsonNode declared : container.at("/ports")) {
            if (declared.at("/name").asText().equals(port.asText())) {
                return declared.at("/containerPort").asInt();
            }
        }
        throw new AssertionError("no container port named " + port.asText());
    }

    private static Probe probe(JsonNode container, String kind) {
        JsonNode get = container.at("/" + kind + "/httpGet");
        return new Probe(containerPort(container, get.at("/port")), get.at("/path").asText());
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.asText()));
        return texts;
    }

    private record Probe(int port, String path) {
    }

}
