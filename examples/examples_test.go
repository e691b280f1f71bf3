// Package examples holds the test fixtures the README shows: how a Go test
// and a pytest suite start chimevoice on a free port with a throwaway store.
// These tests run them, so the examples cannot rot.
package examples

import (
	"bufio"
	"context"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"
)

// chimevoiceBin is built once by TestMain (a user would `go install` it).
var chimevoiceBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "chimevoice-examples-")
	if err != nil {
		panic(err)
	}
	chimevoiceBin = filepath.Join(dir, "chimevoice")
	if out, err := exec.Command("go", "build", "-o", chimevoiceBin, "../cmd/chimevoice").CombinedOutput(); err != nil {
		panic(string(out))
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// startChimevoice is the Go fixture: chimevoice on a free port with a
// throwaway store, stopped when the test ends. It returns the endpoint.
func startChimevoice(t *testing.T) string {
	t.Helper()
	cmd := exec.Command(chimevoiceBin, "serve", "--listen", "127.0.0.1:0", "--data", ":memory:", "--log-level", "warn")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Signal(os.Interrupt); cmd.Wait() })
	sc := bufio.NewScanner(stdout)
	listening := regexp.MustCompile(`listening on (http://\S+)`)
	for sc.Scan() {
		if m := listening.FindStringSubmatch(sc.Text()); m != nil {
			go func() {
				for sc.Scan() {
				}
			}()
			return m[1]
		}
	}
	t.Fatal("chimevoice exited before listening")
	return ""
}

func TestGoFixture(t *testing.T) {
	endpoint := startChimevoice(t)
	ctx := context.Background()
	client := chimesdkvoice.New(chimesdkvoice.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
	})
	found, err := client.SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("206"), MaxResults: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.CreatePhoneNumberOrder(ctx, &chimesdkvoice.CreatePhoneNumberOrderInput{ProductType: types.PhoneNumberProductTypeVoiceConnector, E164PhoneNumbers: found.E164PhoneNumbers}); err != nil {
		t.Fatal(err)
	}
	// Complete the order now rather than wait for the background worker.
	resp, err := http.Post(endpoint+"/_chimevoice/clock", "application/json", strings.NewReader(`{"Advance":"0s"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	out, err := client.BatchDeletePhoneNumber(ctx, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: found.E164PhoneNumbers})
	if err != nil || len(out.PhoneNumberErrors) != 0 {
		t.Fatalf("batch delete: %v %+v", err, out)
	}
}

// TestPytestFixture runs the pytest example's test body through its
// fixture (without pytest, which this machine does not have).
func TestPytestFixture(t *testing.T) {
	if err := exec.Command("python3", "-c", "import boto3").Run(); err != nil {
		t.Skip("python3 with boto3 is not installed")
	}
	cmd := exec.Command("python3", "test_deletion_queue.py")
	cmd.Dir = "python"
	cmd.Env = append(os.Environ(), "CHIMEVOICE_BIN="+chimevoiceBin)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ok") {
		t.Fatalf("python example: %v\n%s", err, out)
	}
}
