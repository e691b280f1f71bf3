package httpapi_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chimevoice/chimevoice/chimevoicetest"
)

// TestBoto3NewestModel runs boto3 against chimevoice with botocore pointed
// (AWS_DATA_PATH) at the repository's chime-sdk-voice model, newer than the
// installed botocore: the newest model's members and the new operations
// through the official Python client.
func TestBoto3NewestModel(t *testing.T) {
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("python3 with boto3 is not installed")
	}
	data := filepath.Join(t.TempDir(), "chime-sdk-voice", "2022-08-03")
	if err := os.MkdirAll(data, 0o755); err != nil {
		t.Fatal(err)
	}
	for from, to := range map[string]string{
		"chime-sdk-voice-2022-08-03.service.json":    "service-2.json",
		"chime-sdk-voice-2022-08-03.paginators.json": "paginators-1.json",
	} {
		body, err := os.ReadFile(filepath.Join("..", "model", "spec", from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(data, to), body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	cmd := exec.Command("python3", filepath.Join("testdata", "newest_model.py"))
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") { // no profile, endpoint or credentials of the machine
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "CHIMEVOICE_URL="+srv.URL, "AWS_DATA_PATH="+filepath.Dir(filepath.Dir(data)),
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("boto3: %v\n%s", err, out)
	}
}
