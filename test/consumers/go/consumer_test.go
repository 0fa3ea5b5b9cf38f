// A Go user's CDK app: the construct from the module jsii-pacmak generated (a replace directive in go.mod).
package consumer

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsevents"
	"github.com/aws/jsii-runtime-go"
	"github.com/lakereplica/cdk-multi-region-lake-replica-go/cdkmultiregionlakereplica"
)

func newStack() awscdk.Stack {
	return awscdk.NewStack(awscdk.NewApp(nil), jsii.String("LakeReplica"), &awscdk.StackProps{
		Env: &awscdk.Environment{Account: jsii.String("111122223333"), Region: jsii.String("us-west-2")},
	})
}

func replicaProps() *cdkmultiregionlakereplica.MultiRegionLakeReplicaProps {
	return &cdkmultiregionlakereplica.MultiRegionLakeReplicaProps{
		SourceRegion:     jsii.String("us-east-1"),
		TargetRegions:    jsii.Strings("us-west-2", "eu-west-1"),
		Databases:        jsii.Strings("sales*", "marketing"),
		ExcludeDatabases: jsii.Strings("*_tmp"),
		BucketMappings: &[]*cdkmultiregionlakereplica.BucketMapping{{
			SourceBucket: jsii.String("acme-lake-raw"),
			TargetBucket: jsii.String("acme-lake-raw-usw2"),
			TargetRegion: jsii.String("us-west-2"),
		}},
		PollInterval:      awscdk.Duration_Minutes(jsii.Number(5)),
		Lookback:          awscdk.Duration_Hours(jsii.Number(2)),
		ReconcileSchedule: awsevents.Schedule_Rate(awscdk.Duration_Hours(jsii.Number(6))),
	}
}

// rendered returns a string property as deployed, with each CloudFormation token (e.g. the bucket's Ref) as "<token>".
func rendered(t *testing.T, value any) string {
	t.Helper()
	if text, ok := value.(string); ok {
		return text
	}
	join, _ := value.(map[string]any)["Fn::Join"].([]any)
	if len(join) != 2 {
		t.Fatalf("not a string nor an Fn::Join: %v", value)
	}
	separator, _ := join[0].(string)
	parts := []string{}
	for _, part := range join[1].([]any) {
		if text, ok := part.(string); ok {
			parts = append(parts, text)
		} else {
			parts = append(parts, "<token>")
		}
	}
	return strings.Join(parts, separator)
}

// jobSettings returns the job configuration every handler receives in LAKE_REPLICA_SETTINGS.
func jobSettings(t *testing.T, template assertions.Template) []map[string]any {
	t.Helper()
	var found []map[string]any
	for _, resource := range *template.FindResources(jsii.String("AWS::Lambda::Function"), nil) {
		raw, _ := json.Marshal(resource)
		var function struct {
			Properties struct {
				Environment struct{ Variables map[string]any }
			}
		}
		if err := json.Unmarshal(raw, &function); err != nil {
			t.Fatalf("reading a Lambda function: %v", err)
		}
		if value, ok := function.Properties.Environment.Variables["LAKE_REPLICA_SETTINGS"]; ok {
			var settings map[string]any
			if err := json.Unmarshal([]byte(rendered(t, value)), &settings); err != nil {
				t.Fatalf("LAKE_REPLICA_SETTINGS is not JSON: %v", err)
			}
			found = append(found, settings)
		}
	}
	if len(found) == 0 {
		t.Fatal("no Lambda function carries LAKE_REPLICA_SETTINGS")
	}
	return found
}

func asJSON(t *testing.T, text string) any {
	t.Helper()
	var value any
	if err := json.Unmarshal([]byte(text), &value); err != nil {
		t.Fatal(err)
	}
	return value
}

func TestSynthesizesWithGoProps(t *testing.T) {
	stack := newStack()
	cdkmultiregionlakereplica.NewMultiRegionLakeReplica(stack, jsii.String("Replica"), replicaProps())
	template := assertions.Template_FromStack(stack, nil)

	template.HasResourceProperties(jsii.String("AWS::Events::Rule"), map[string]any{"ScheduleExpression": "rate(6 hours)"})
	template.ResourceCountIs(jsii.String("AWS::StepFunctions::StateMachine"), jsii.Number(1))
	want := map[string]any{
		"sourceRegion":     "us-east-1",
		"targetRegions":    asJSON(t, `["us-west-2", "eu-west-1"]`),
		"databases":        asJSON(t, `["sales*", "marketing"]`),
		"excludeDatabases": asJSON(t, `["*_tmp"]`),
		"bucketMappings":   asJSON(t, `[{"sourceBucket": "acme-lake-raw", "targetBucket": "acme-lake-raw-usw2", "targetRegion": "us-west-2"}]`),
	}
	for _, settings := range jobSettings(t, template) {
		for key, value := range want {
			if !reflect.DeepEqual(settings[key], value) {
				t.Errorf("LAKE_REPLICA_SETTINGS %s = %v, want %v", key, settings[key], value)
			}
		}
	}
}

func TestBadPropPanicsWithAReadableError(t *testing.T) {
	props := replicaProps()
	props.TargetRegions = jsii.Strings("us-east-1")
	defer func() {
		recovered := recover()
		if recovered == nil {
			t.Fatal("a target Region equal to the source Region was accepted")
		}
		message := ""
		if err, ok := recovered.(error); ok {
			message = err.Error()
		} else {
			message, _ = recovered.(string)
		}
		for _, part := range []string{"Invalid MultiRegionLakeReplica props", "targetRegions", "us-east-1"} {
			if !strings.Contains(message, part) {
				t.Errorf("error %q does not contain %q", message, part)
			}
		}
	}()
	cdkmultiregionlakereplica.NewMultiRegionLakeReplica(newStack(), jsii.String("Replica"), props)
}

// Every ```go example in the README is a complete program: build and run each one inside this module.
func TestReadmeExamplesBuildAndRun(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	examples := regexp.MustCompile("(?ms)^```go\n(.*?)^```").FindAllSubmatch(readme, -1)
	if len(examples) == 0 {
		t.Fatal("no ```go example in README.md")
	}
	for i, example := range examples {
		dir, err := os.MkdirTemp(".", "readmeexample")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(dir)
		if err := os.WriteFile(filepath.Join(dir, "main.go"), example[1], 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("go", "run", "./"+filepath.Base(dir)).CombinedOutput()
		if err != nil {
			t.Errorf("README go example %d: %v\n%s", i+1, err, out)
		}
	}
}
