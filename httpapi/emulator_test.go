package httpapi_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/chimevoicetest"
)

// remote calls the handler as a client from another host would (the
// httptest server's own client is loopback, which the admin API trusts).
func remote(srv *chimevoicetest.Server, method, path, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	req.RemoteAddr = "192.0.2.10:40000"
	rec := httptest.NewRecorder()
	srv.Handler.ServeHTTP(rec, req)
	return rec
}

func TestOpenAdminAnswersRemoteClients(t *testing.T) {
	closed := chimevoicetest.New(t, chimevoicetest.Options{})
	if rec := remote(closed, http.MethodPost, "/_chimevoice/clock", `{"Advance":"1h"}`); rec.Code != http.StatusForbidden {
		t.Fatalf("remote clock move without OpenAdmin: %d %s", rec.Code, rec.Body)
	}
	open := chimevoicetest.New(t, chimevoicetest.Options{OpenAdmin: true})
	rec := remote(open, http.MethodPost, "/_chimevoice/clock", `{"Advance":"7d"}`)
	if rec.Code != http.StatusOK {
		t.Fatalf("remote clock move with OpenAdmin: %d %s", rec.Code, rec.Body)
	}
	var out struct{ Now time.Time }
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || !out.Now.Equal(chimevoicetest.Epoch.Add(7*24*time.Hour)) {
		t.Fatalf("Advance 7d moved the clock to %v (%v), want a week after %v", out.Now, err, chimevoicetest.Epoch)
	}
	if rec := remote(open, http.MethodGet, "/metrics", ""); rec.Code != http.StatusOK {
		t.Fatalf("remote metrics with OpenAdmin: %d", rec.Code)
	}
}

func TestHealthLocalStackShape(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	for _, path := range []string{"/_chimevoice/health", "/_localstack/health"} {
		rec := remote(srv, http.MethodGet, path, "") // health answers anyone
		var h struct {
			Status   string
			Services map[string]string
			Version  string
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &h); err != nil || rec.Code != http.StatusOK {
			t.Fatalf("GET %s: %d %s (%v)", path, rec.Code, rec.Body, err)
		}
		if h.Status != "ok" || h.Services["chime-sdk-voice"] != "running" || h.Services["chime"] != "running" || h.Version != chimevoice.Version {
			t.Errorf("GET %s: %+v", path, h)
		}
	}
	if rec := remote(srv, http.MethodPost, "/_localstack/health", ""); rec.Code != http.StatusForbidden {
		t.Errorf("POST /_localstack/health from a remote client: %d, want 403 like the rest of the admin API", rec.Code)
	}
}
