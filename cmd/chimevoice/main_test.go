package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/sigv4"
)

func TestConfigFlagsEnvAndValidation(t *testing.T) {
	env := map[string]string{"CHIMEVOICE_LISTEN": "127.0.0.1:9999", "CHIMEVOICE_DELETION_RETENTION": "48h", "CHIMEVOICE_RATE_LIMIT": "5"}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	cfg := DefaultConfig()
	if err := cfg.Parse([]string{"--listen", "127.0.0.1:7777", "--max-phone-numbers", "10"}, lookup, io.Discard); err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:7777" || cfg.DeletionRetention != 48*time.Hour || cfg.RateLimit != 5 || cfg.MaxPhoneNumbers != 10 {
		t.Fatalf("config %+v", cfg)
	}
	for _, args := range [][]string{
		{"--deletion-retention", "0s"},
		{"--order-latency", "-1s"},
		{"--rate-limit", "-1"},
		{"--max-phone-numbers", "-5"},
		{"--log-format", "xml"},
		{"--log-level", "loud"},
		{"--database-url", "mysql://x"},
		{"extra"},
	} {
		c := DefaultConfig()
		if err := c.Parse(args, func(string) (string, bool) { return "", false }, io.Discard); err == nil {
			t.Errorf("%v: accepted", args)
		}
	}
	bad := DefaultConfig()
	if err := bad.Parse(nil, func(k string) (string, bool) { return "soon", k == "CHIMEVOICE_ORDER_LATENCY" }, io.Discard); err == nil || !strings.Contains(err.Error(), "CHIMEVOICE_ORDER_LATENCY") {
		t.Errorf("bad env: %v", err)
	}
}

func TestRefusesPublicAddressWithDevCredential(t *testing.T) {
	public := &net.TCPAddr{IP: net.ParseIP("10.1.2.3"), Port: 8080}
	dev := sigv4.DevCredential()
	real := sigv4.Credential{AccessKeyID: "AKIAREAL", SecretAccessKey: "s", AccountID: "111111111111"}
	listed := sigv4.Credential{AccessKeyID: "test", SecretAccessKey: "test", AccountID: "222222222222", Allow: []string{"List*"}}
	if err := sigv4.CheckExposure(public, []sigv4.Credential{dev}, false); err == nil {
		t.Fatal("served the development credential on a public address")
	}
	// Listed in a file next to a real key, test/test is still refused.
	if err := sigv4.CheckExposure(public, []sigv4.Credential{real, listed}, false); err == nil || !strings.Contains(err.Error(), "test/test") {
		t.Fatalf("a file listing test/test on a public address: %v", err)
	}
	if err := sigv4.CheckExposure(public, []sigv4.Credential{real}, false); err != nil {
		t.Fatalf("with a real credential only: %v", err)
	}
	if err := sigv4.CheckExposure(public, []sigv4.Credential{dev}, true); err != nil {
		t.Fatalf("development mode: %v", err)
	}
	if err := sigv4.CheckExposure(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1)}, []sigv4.Credential{dev}, false); err != nil {
		t.Fatalf("loopback: %v", err)
	}
	// The binary refuses before serving.
	m := NewMain(Config{Listen: "0.0.0.0:0", Data: ":memory:", DeletionRetention: time.Hour})
	if err := m.Run(context.Background()); err == nil {
		m.Close()
		t.Fatal("served test/test on 0.0.0.0")
	}
}

func TestMainServesAndShutsDown(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Listen = "127.0.0.1:0"
	cfg.Data = ":memory:"
	m := NewMain(cfg)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(m.URL() + "/_chimevoice/health")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(body, []byte(`"ok"`)) {
		t.Fatalf("health: %d %s", resp.StatusCode, body)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestVersion(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"version"}, &out, io.Discard); err != nil || !strings.HasPrefix(out.String(), "chimevoice ") {
		t.Fatalf("version: %q %v", out.String(), err)
	}
	if err := run(context.Background(), []string{"frobnicate"}, io.Discard, io.Discard); err == nil {
		t.Fatal("unknown command accepted")
	}
}

// TestKill9LosesNoAcknowledgedDelete streams batch deletes at a server on a
// SQLite file, kills it with SIGKILL in the middle, restarts it on the same
// file and checks that every acknowledged delete is there and that every
// batch was applied whole or not at all.
func TestKill9LosesNoAcknowledgedDelete(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	ctx := context.Background()
	data := filepath.Join(t.TempDir(), "chimevoice.db")
	p := startProcess(t, "--data", data)
	client := voiceClient(p.URL, "test", "test", http.DefaultClient)

	const total, batch = 400, 4
	var nums []string
	for len(nums) < total {
		found, err := client.SearchAvailablePhoneNumbers(ctx, &chimesdkvoice.SearchAvailablePhoneNumbersInput{AreaCode: aws.String("206"), MaxResults: aws.Int32(total)})
		if err != nil {
			t.Fatal(err)
		}
		nums = append(nums, found.E164PhoneNumbers...)
	}
	if _, err := client.CreatePhoneNumberOrder(ctx, &chimesdkvoice.CreatePhoneNumberOrderInput{ProductType: vtypes.PhoneNumberProductTypeVoiceConnector, E164PhoneNumbers: nums}); err != nil {
		t.Fatal(err)
	}
	if code, body, err := admin(ctx, http.DefaultClient, http.MethodPost, p.URL+"/_chimevoice/clock", map[string]string{"Advance": "0s"}); err != nil || code != http.StatusOK {
		t.Fatalf("advance: %d %s %v", code, body, err)
	}

	// Four streams of batch deletes; the kill lands while they run.
	var mu sync.Mutex
	var acked [][]string
	var wg sync.WaitGroup
	batches := make(chan []string)
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range batches {
				out, err := client.BatchDeletePhoneNumber(ctx, &chimesdkvoice.BatchDeletePhoneNumberInput{PhoneNumberIds: b})
				if err == nil && len(out.PhoneNumberErrors) == 0 {
					mu.Lock()
					acked = append(acked, b)
					mu.Unlock()
				}
			}
		}()
	}
	killed := false
	for i := 0; i < total; i += batch {
		batches <- nums[i : i+batch]
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 30 && !killed {
			if err := p.cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	close(batches)
	wg.Wait()
	<-p.exited
	if !killed || len(acked) >= total/batch {
		t.Fatalf("the kill did not land mid-stream (%d of %d batches acknowledged)", len(acked), total/batch)
	}

	// Restart on the same file.
	p2 := startProcess(t, "--data", data)
	client2 := voiceClient(p2.URL, "test", "test", http.DefaultClient)
	status := map[string]vtypes.PhoneNumberStatus{}
	pg := chimesdkvoice.NewListPhoneNumbersPaginator(client2, &chimesdkvoice.ListPhoneNumbersInput{})
	for pg.HasMorePages() {
		page, err := pg.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range page.PhoneNumbers {
			status[aws.ToString(n.E164PhoneNumber)] = n.Status
		}
	}
	if len(status) != total {
		t.Fatalf("%d numbers after restart, want %d", len(status), total)
	}
	for _, b := range acked {
		for _, n := range b {
			if status[n] != vtypes.PhoneNumberStatusDeleteInProgress {
				t.Fatalf("acknowledged delete of %s lost: status %s", n, status[n])
			}
		}
	}
	queued := 0
	for i := 0; i < total; i += batch {
		b := nums[i : i+batch]
		first := status[b[0]]
		for _, n := range b {
			if s := status[n]; s != first || (s != vtypes.PhoneNumberStatusDeleteInProgress && s != vtypes.PhoneNumberStatusUnassigned) {
				t.Fatalf("batch %v half applied or invalid: %s is %s, %s is %s", b, b[0], first, n, s)
			}
		}
		if first == vtypes.PhoneNumberStatusDeleteInProgress {
			queued++
		}
	}
	t.Logf("%d batches acknowledged before the kill, %d committed", len(acked), queued)
}

// TestBannerTellsTheTruth: the development credential is advertised only
// when it is the one in use.
func TestBannerTellsTheTruth(t *testing.T) {
	dev := banner(DefaultConfig(), "http://127.0.0.1:8080")
	if !strings.Contains(dev, "AWS_ACCESS_KEY_ID=test") {
		t.Fatalf("development banner: %s", dev)
	}
	cfg := DefaultConfig()
	cfg.Credentials = "/etc/chimevoice/credentials.yaml"
	withFile := banner(cfg, "http://127.0.0.1:8080")
	if strings.Contains(withFile, "=test") || !strings.Contains(withFile, cfg.Credentials) {
		t.Fatalf("banner with a credentials file: %s", withFile)
	}
	if !listeningRE.MatchString(withFile) {
		t.Fatalf("process tests no longer find the address in %s", withFile)
	}
}
