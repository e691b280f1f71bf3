package chimevoicetest

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// Raw sends an admin request with a raw body and returns the answer.
func (s *Server) Raw(t testing.TB, method, path string, body []byte) Response {
	t.Helper()
	req, err := http.NewRequest(method, s.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return s.Send(t, req)
}

// SetFaults replaces the fault rules (a value that marshals to a JSON
// array) and fails the test unless the server accepts them.
func (s *Server) SetFaults(t testing.TB, rules any) {
	t.Helper()
	if code := s.Admin(t, http.MethodPost, "/_chimevoice/faults", rules, nil); code != http.StatusOK {
		t.Fatalf("set fault rules: status %d", code)
	}
}

// ClearFaults removes every fault rule.
func (s *Server) ClearFaults(t testing.TB) {
	t.Helper()
	if code := s.Admin(t, http.MethodDelete, "/_chimevoice/faults", nil, nil); code != http.StatusOK {
		t.Fatalf("clear fault rules: status %d", code)
	}
}

// ExportState returns the server's state snapshot (with the imported pool
// when pool is set).
func (s *Server) ExportState(t testing.TB, pool bool) []byte {
	t.Helper()
	path := "/_chimevoice/state"
	if pool {
		path += "?pool=true"
	}
	r := s.Raw(t, http.MethodGet, path, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("export state: %d %s", r.Status, r.Body)
	}
	return r.Body
}

// ImportState posts a snapshot and returns the raw answer.
func (s *Server) ImportState(t testing.TB, snapshot []byte) Response {
	t.Helper()
	return s.Raw(t, http.MethodPost, "/_chimevoice/state", snapshot)
}

// Reset empties the store through the admin API.
func (s *Server) Reset(t testing.TB) {
	t.Helper()
	if r := s.Raw(t, http.MethodPost, "/_chimevoice/reset", nil); r.Status != http.StatusOK {
		t.Fatalf("reset: %d %s", r.Status, r.Body)
	}
}

// Scrape is one scrape of /metrics.
type Scrape map[string]*dto.MetricFamily

// Metrics scrapes /metrics and parses the text format.
func (s *Server) Metrics(t testing.TB) Scrape {
	t.Helper()
	resp, err := s.HTTP.Client().Get(s.URL + "/metrics")
	if err != nil {
		t.Fatalf("scrape: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("scrape: %d %s", resp.StatusCode, b)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("scrape: parse: %v", err)
	}
	return Scrape(fams)
}

// Value returns the value of the series of metric name whose labels
// include the given name, value pairs: a counter's or gauge's value, a
// histogram's sample count. It returns -1 when there is no such series.
func (sc Scrape) Value(name string, labels ...string) float64 {
	fam := sc[name]
	if fam == nil {
		return -1
	}
next:
	for _, m := range fam.GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, lp := range m.GetLabel() {
				if lp.GetName() == labels[i] && lp.GetValue() == labels[i+1] {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		switch {
		case m.Counter != nil:
			return m.Counter.GetValue()
		case m.Gauge != nil:
			return m.Gauge.GetValue()
		case m.Histogram != nil:
			return float64(m.Histogram.GetSampleCount())
		}
	}
	return -1
}
