package io.github.lakereplica.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.lakereplica.cdk.BucketMapping;
import io.github.lakereplica.cdk.MultiRegionLakeReplica;
import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.events.Schedule;

/** A Java user's CDK app: the construct from the built artifact, with builder-style props. */
class ConsumerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Stack newStack() {
        return Stack.Builder.create(new App(), "LakeReplica")
                .env(Environment.builder().account("111122223333").region("us-west-2").build())
                .build();
    }

    private static MultiRegionLakeReplica.Builder replica(Stack stack) {
        return MultiRegionLakeReplica.Builder.create(stack, "Replica")
                .sourceRegion("us-east-1")
                .targetRegions(List.of("us-west-2", "eu-west-1"))
                .databases(List.of("sales*", "marketing"))
                .excludeDatabases(List.of("*_tmp"))
                .bucketMappings(List.of(BucketMapping.builder()
                        .sourceBucket("acme-lake-raw")
                        .targetBucket("acme-lake-raw-usw2")
                        .targetRegion("us-west-2")
                        .build()))
                .pollInterval(Duration.minutes(5))
                .lookback(Duration.hours(2))
                .reconcileSchedule(Schedule.rate(Duration.hours(6)));
    }

    /** A string property as deployed, with each CloudFormation token (e.g. the bucket's Ref) as "<token>". */
    private static String rendered(JsonNode value) {
        if (value.isTextual()) return value.asText();
        JsonNode join = value.get("Fn::Join");
        List<String> parts = new ArrayList<>();
        for (JsonNode part : join.get(1)) parts.add(part.isTextual() ? part.asText() : "<token>");
        return String.join(join.get(0).asText(), parts);
    }

    /** The job configuration every handler receives in LAKE_REPLICA_SETTINGS. */
    private static List<JsonNode> jobSettings(Template template) throws Exception {
        List<JsonNode> settings = new ArrayList<>();
        Map<String, Map<String, Object>> functions = template.findResources("AWS::Lambda::Function");
        for (Map<String, Object> function : functions.values()) {
            JsonNode variables = JSON.valueToTree(function).path("Properties").path("Environment").path("Variables");
            if (variables.has("LAKE_REPLICA_SETTINGS")) {
                settings.add(JSON.readTree(rendered(variables.get("LAKE_REPLICA_SETTINGS"))));
            }
        }
        assertFalse(settings.isEmpty(), "no Lambda function carries LAKE_REPLICA_SETTINGS");
        return settings;
    }

    @Test
    void synthesizesWithBuilderProps() throws Exception {
        Stack stack = newStack();
        replica(stack).build();
        Template template = Template.fromStack(stack);

        template.hasResourceProperties("AWS::Events::Rule", Map.of("ScheduleExpression", "rate(6 hours)"));
        template.resourceCountIs("AWS::StepFunctions::StateMachine", 1);
        for (JsonNode settings : jobSettings(template)) {
            assertEquals("us-east-1", settings.get("sourceRegion").asText());
            assertEquals(JSON.readTree("[\"us-west-2\",\"eu-west-1\"]"), settings.get("targetRegions"));
            assertEquals(JSON.readTree("[\"sales*\",\"marketing\"]"), settings.get("databases"));
            assertEquals(JSON.readTree("[\"*_tmp\"]"), settings.get("excludeDatabases"));
            assertEquals(
                    JSON.readTree("[{\"sourceBucket\":\"acme-lake-raw\",\"targetBucket\":\"acme-lake-raw-usw2\",\"targetRegion\":\"us-west-2\"}]"),
                    settings.get("bucketMappings"));
        }
    }

    @Test
    void badPropRaisesAReadableError() {
        Stack stack = newStack();
        RuntimeException error = assertThrows(RuntimeException.class,
                () -> replica(stack).targetRegions(List.of("us-east-1")).build());
        String message = error.getMessage();
        assertTrue(message.contains("Invalid MultiRegionLakeReplica props"), message);
        assertTrue(message.contains("targetRegions"), message);
        assertTrue(message.contains("us-east-1"), message);
    }

    /** Every ```java example in the README is a complete app: compile it against this classpath and run it. */
    @TestFactory
    Stream<DynamicTest> readmeExamplesCompileAndRun() throws Exception {
        Path readme = Path.of(System.getProperty("readme.path"));
        Matcher block = Pattern.compile("^```java\\n(.*?)^```", Pattern.MULTILINE | Pattern.DOTALL)
                .matcher(Files.readString(readme));
        List<String> examples = new ArrayList<>();
        while (block.find()) examples.add(block.group(1));
        assertFalse(examples.isEmpty(), "no ```java example in " + readme);
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < examples.size(); i++) {
            String source = examples.get(i);
            tests.add(DynamicTest.dynamicTest("README java example " + (i + 1), () -> compileAndRun(source)));
        }
        return tests.stream();
    }

    private static void compileAndRun(String source) throws Exception {
        Matcher className = Pattern.compile("public\\s+(?:final\\s+)?class\\s+(\\w+)").matcher(source);
        assertTrue(className.find(), "a README java example must declare a public class");
        Path dir = Files.createTempDirectory("readme-example");
        Path file = dir.resolve(className.group(1) + ".java");
        Files.writeString(file, source);
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        int status = javac.run(null, null, null, "-classpath", classpath, "-d", dir.toString(), file.toString());
        assertEquals(0, status, "the README java example does not compile (javac output above)");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()}, ConsumerTest.class.getClassLoader())) {
            Method main = loader.loadClass(className.group(1)).getMethod("main", String[].class);
            main.invoke(null, (Object) new String[0]);
        }
    }
}
