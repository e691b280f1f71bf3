package bench_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chimevoice/chimevoice/bench"
	"github.com/chimevoice/chimevoice/chimevoicetest"
)

func run(t *testing.T, cfg bench.Config) *bench.Report {
	t.Helper()
	rep, err := bench.Run(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestBenchWorkloads(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	base := bench.DefaultConfig()
	base.Endpoint = srv.URL
	base.Concurrency = 4
	base.Duration = 0

	// Fresh deletes: each number deleted once, so 30 requests of 2 delete 60.
	cfg := base
	cfg.Batch, cfg.Requests, cfg.Baseline = 2, 30, true
	rep := run(t, cfg)
	p := rep.Chimevoice.Primary()
	if p.Operation != "BatchDeletePhoneNumber" || p.Requests < 30 || len(p.Errors) != 0 || p.Items != 2*p.Requests {
		t.Fatalf("delete: %+v", p)
	}
	if rep.Baseline == nil || rep.Ratio <= 0 {
		t.Fatalf("no baseline: %+v", rep)
	}
	var text bytes.Buffer
	rep.WriteText(&text)
	if !strings.Contains(text.String(), "ratio: chimevoice BatchDeletePhoneNumber") {
		t.Fatalf("text report:\n%s", text.String())
	}
	var js bytes.Buffer
	rep.WriteJSON(&js)
	var decoded map[string]any
	if err := json.Unmarshal(js.Bytes(), &decoded); err != nil || decoded["chimevoice"] == nil {
		t.Fatalf("json report %s: %v", js.String(), err)
	}

	for _, wl := range []struct{ workload, mode string }{{bench.WorkloadDelete, bench.ModeRestore}, {bench.WorkloadGet, ""}, {bench.WorkloadList, ""}, {bench.WorkloadMix, ""}} {
		cfg := base
		cfg.Workload, cfg.Requests = wl.workload, 40
		if wl.mode != "" {
			cfg.Mode = wl.mode
		}
		rep := run(t, cfg)
		for _, op := range rep.Chimevoice.Operations {
			if len(op.Errors) != 0 {
				t.Fatalf("%s: %s errors %v", wl.workload, op.Operation, op.Errors)
			}
		}
		if got := rep.Chimevoice.Primary(); got == nil || got.Requests < 40 {
			t.Fatalf("%s: %+v", wl.workload, rep.Chimevoice.Operations)
		}
	}
}

func TestBenchValidation(t *testing.T) {
	for _, mod := range []func(*bench.Config){
		func(c *bench.Config) { c.Workload = "explode" },
		func(c *bench.Config) { c.Mode = "sometimes" },
		func(c *bench.Config) { c.Batch = 1001 },
		func(c *bench.Config) { c.Concurrency = 0 },
		func(c *bench.Config) { c.Duration, c.Requests = 0, 0 },
	} {
		cfg := bench.DefaultConfig()
		mod(&cfg)
		if err := cfg.Validate(); err == nil {
			t.Errorf("accepted %+v", cfg)
		}
	}
	cfg := bench.DefaultConfig()
	cfg.Duration = time.Second
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
}
