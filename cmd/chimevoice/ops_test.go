package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
)

// runCmd runs the command line args and returns stdout, stderr and the error.
func runCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errw bytes.Buffer
	err := run(context.Background(), args, &out, &errw)
	return out.String(), errw.String(), err
}

func mustRun(t *testing.T, args ...string) (string, string) {
	t.Helper()
	out, errw, err := runCmd(t, args...)
	if err != nil {
		t.Fatalf("%v: %v\n%s%s", args, err, out, errw)
	}
	return out, errw
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const carrierCSV = `number,country,type,city,state
+12067301307,US,Local,Seattle,WA
+12063412302,US,Local,Seattle,WA
+18005550199,US,TollFree,,
+442071838750,GB,Local,London,England
+12069999999,CA,Local,,
`

func TestPoolCommands(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "chimevoice.db")
	csv := writeFile(t, dir, "pool.csv", carrierCSV)

	out, errw := mustRun(t, "pool", "import", "--data", db, csv)
	if !strings.Contains(out, "imported 4 numbers from "+csv) || !strings.Contains(out, "(5 rows read, 1 skipped)") ||
		!strings.Contains(out, "  line 6: country: CA does not match the number +12069999999, which is US\n") {
		t.Fatalf("summary:\n%s", out)
	}
	// stderr is not a terminal here: plain progress lines.
	if !strings.HasPrefix(errw, "pool import: 5 rows read, 4 imported, 1 skipped") {
		t.Fatalf("progress: %q", errw)
	}
	out, _ = mustRun(t, "pool", "status", "--data", db)
	if out != "GB\tLocal\t1\nUS\tLocal\t2\nUS\tTollFree\t1\n" {
		t.Fatalf("status: %q", out)
	}
	out, _ = mustRun(t, "pool", "clear", "--data", db)
	if !strings.HasPrefix(out, "removed 4 numbers") {
		t.Fatalf("clear: %q", out)
	}
	out, _ = mustRun(t, "pool", "status", "--data", db)
	if !strings.HasPrefix(out, "no imported pool") {
		t.Fatalf("status after clear: %q", out)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"pool", "import", "--data", db}, "pool import takes 1 argument(s), got 0"},
		{[]string{"pool", "import", "--data", db, filepath.Join(dir, "missing.csv")}, "no such file"},
		{[]string{"pool", "import", "--data", db, writeFile(t, dir, "bad.csv", "number,zip\n")}, `header column 2 "zip" is not one of`},
		{[]string{"pool", "frobnicate"}, `unknown pool command "frobnicate"`},
		{[]string{"pool", "import", "--database-url", "postgres://chimevoice@127.0.0.1:1/chimevoice?connect_timeout=2", csv}, "open store"},
		{[]string{"pool", "sample", "--area-code", "800"}, "AreaCode 800 is not a US area code"},
	} {
		if _, _, err := runCmd(t, c.args...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want %q", c.args, err, c.want)
		}
	}
}

func TestPoolSampleImports(t *testing.T) {
	dir := t.TempDir()
	out, _ := mustRun(t, "pool", "sample", "--count", "50", "--state", "or")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 51 || lines[0] != "number,country,type,city,state" || !strings.HasSuffix(lines[1], ",US,Local,,OR") {
		t.Fatalf("sample: %d lines, %q", len(lines), lines[:2])
	}
	csv := writeFile(t, dir, "sample.csv", out)
	out, _ = mustRun(t, "pool", "import", "--data", filepath.Join(dir, "x.db"), csv)
	if !strings.Contains(out, "imported 50 numbers") || !strings.Contains(out, "0 skipped") {
		t.Fatalf("import of a sample: %s", out)
	}
	out, _ = mustRun(t, "pool", "sample", "--count", "3", "--toll-free")
	if n := strings.Count(out, ",US,TollFree,,\n"); n != 3 {
		t.Fatalf("toll-free sample: %q", out)
	}
}

const snapshot = `{
"Version": 1,
"Now": "2026-11-22T10:00:00.000Z",
"PhoneNumbers": [
  {"E164": "+12067301307", "AccountId": "000000000000", "Country": "US", "NumberType": "Local", "ProductType": "VoiceConnector", "Status": "Unassigned", "CreatedAt": "2026-11-01T00:00:00.000Z", "UpdatedAt": "2026-11-01T00:00:00.000Z"}
]
}`

func TestStateCommandsOnAFile(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "chimevoice.db")
	in := writeFile(t, dir, "in.json", snapshot)
	out, _ := mustRun(t, "state", "import", "--data", db, in)
	if !strings.HasPrefix(out, "imported PhoneNumbers 1, PhoneNumberAssociations 0,") {
		t.Fatalf("import: %q", out)
	}
	exported := filepath.Join(dir, "out.json")
	mustRun(t, "state", "export", "--data", db, exported)
	data, err := os.ReadFile(exported)
	if err != nil || !bytes.Contains(data, []byte(`{"E164": "+12067301307", "AccountId": "000000000000"`)) {
		t.Fatalf("export: %v\n%s", err, data)
	}
	mustRun(t, "state", "reset", "--data", db)
	out, _ = mustRun(t, "state", "export", "--data", db)
	if !strings.Contains(out, "\"PhoneNumbers\": []") {
		t.Fatalf("export after reset:\n%s", out)
	}
	bad := writeFile(t, dir, "bad.json", strings.Replace(snapshot, `"Unassigned"`, `"Lost"`, 1))
	if _, _, err := runCmd(t, "state", "import", "--data", db, bad); err == nil || !strings.HasPrefix(err.Error(), `PhoneNumbers[0].Status: "Lost" is not one of`) {
		t.Fatalf("bad snapshot: %v", err)
	}
	if _, _, err := runCmd(t, "state", "import", "--data", db); err == nil {
		t.Fatal("import without a file accepted")
	}
}

func startMain(t *testing.T, mutate func(*Config)) *Main {
	t.Helper()
	cfg := DefaultConfig()
	cfg.Listen = "127.0.0.1:0"
	cfg.Data = ":memory:"
	if mutate != nil {
		mutate(&cfg)
	}
	m := NewMain(cfg)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestStateCommandsThroughTheAdminAPI(t *testing.T) {
	m := startMain(t, nil)
	dir := t.TempDir()
	in := writeFile(t, dir, "in.json", snapshot)
	mustRun(t, "state", "import", "--url", m.URL(), in)
	client := voiceClient(m.URL(), "test", "test", http.DefaultClient)
	got, err := client.GetPhoneNumber(context.Background(), &chimesdkvoice.GetPhoneNumberInput{PhoneNumberId: aws.String("+12067301307")})
	if err != nil || aws.ToString(got.PhoneNumber.E164PhoneNumber) != "+12067301307" {
		t.Fatalf("imported number through the API: %v", err)
	}
	out, _ := mustRun(t, "state", "export", "--url", m.URL())
	if !strings.Contains(out, `"E164": "+12067301307"`) {
		t.Fatalf("export through the API:\n%s", out)
	}
	mustRun(t, "state", "reset", "--url", m.URL()+"/")
	if _, err := client.GetPhoneNumber(context.Background(), &chimesdkvoice.GetPhoneNumberInput{PhoneNumberId: aws.String("+12067301307")}); err == nil {
		t.Fatal("the number survived the reset")
	}
	bad := writeFile(t, dir, "bad.json", `{"Version":1}`)
	if _, _, err := runCmd(t, "state", "import", "--url", m.URL(), bad); err == nil || !strings.Contains(err.Error(), "Now: required") {
		t.Fatalf("bad snapshot through the API: %v", err)
	}
}

func TestServeImportsTheNumberPoolAndServesMetrics(t *testing.T) {
	csv := writeFile(t, t.TempDir(), "pool.csv", carrierCSV)
	m := startMain(t, func(c *Config) { c.NumberPool = csv })
	client := voiceClient(m.URL(), "test", "test", http.DefaultClient)
	out, err := client.SearchAvailablePhoneNumbers(context.Background(), &chimesdkvoice.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("206")})
	if err != nil || strings.Join(out.E164PhoneNumbers, " ") != "+12063412302 +12067301307" {
		t.Fatalf("search of the --number-pool: %v %v", out, err)
	}
	resp, err := http.Get(m.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`chimevoice_requests_total{code="200",operation="SearchAvailablePhoneNumbers"} 1`)) {
		t.Fatalf("metrics: %d\n%s", resp.StatusCode, body)
	}

	cfg := DefaultConfig()
	cfg.Listen, cfg.Data, cfg.NumberPool = "127.0.0.1:0", ":memory:", filepath.Join(t.TempDir(), "missing.csv")
	if err := NewMain(cfg).Run(context.Background()); err == nil || !strings.Contains(err.Error(), "--number-pool") {
		t.Fatalf("a missing --number-pool file: %v", err)
	}
}
