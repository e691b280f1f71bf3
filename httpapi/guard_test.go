package httpapi_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"

	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
)

// TestGuardRefusesCrossSiteAndRebinding: what a web page can make a
// developer's browser send to the admin API, metrics and console is refused
// and changes nothing; same-origin pages and non-browser clients work.
func TestGuardRefusesCrossSiteAndRebinding(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	srv.Provision(t, srv.Voice, "206", 2, vtypes.PhoneNumberProductTypeVoiceConnector)
	before := srv.Snapshot(t, srv.Voice)
	host := strings.TrimPrefix(srv.URL, "http://")
	send := func(method, path, host string, header map[string]string, body string) (int, string) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Host = host
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("X-Amzn-ErrorType") + " " + string(data)
	}
	browser := "Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0"
	refused := []struct {
		name, method, path, host string
		header                   map[string]string
		body, want               string
	}{
		{"the issue's reset", "POST", "/_chimevoice/reset", host, map[string]string{"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site", "Content-Type": "text/plain"}, "{}", "Sec-Fetch-Site"},
		{"reset from another origin", "POST", "/_chimevoice/reset", host, map[string]string{"Origin": "http://evil.example"}, "", "Origin"},
		{"reset from another port of localhost", "POST", "/_chimevoice/reset", host, map[string]string{"Origin": "http://localhost:3000", "Sec-Fetch-Site": "same-site"}, "", "same-site"},
		{"reset from an opaque origin", "POST", "/_chimevoice/reset", host, map[string]string{"Origin": "null"}, "", "Origin"},
		{"reset as text/plain", "POST", "/_chimevoice/reset", host, map[string]string{"Content-Type": "text/plain"}, "{}", "text/plain"},
		{"reset as multipart", "POST", "/_chimevoice/reset", host, map[string]string{"Content-Type": "multipart/form-data; boundary=x"}, "--x--", "multipart"},
		{"clock as a browser form", "POST", "/_chimevoice/clock", host, map[string]string{"Content-Type": "application/x-www-form-urlencoded", "User-Agent": browser}, `{"Advance":"168h"}`, "browser"},
		{"faults cross-site", "POST", "/_chimevoice/faults", host, map[string]string{"Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"}, `[]`, "cross-site"},
		{"state by a rebound name", "GET", "/_chimevoice/state", "rebind.attacker.example:8080", nil, "", "DNS rebinding"},
		{"metrics by a rebound name", "GET", "/metrics", "rebind.attacker.example", nil, "", "DNS rebinding"},
		{"console by a rebound name", "GET", "/console/signin", "rebind.attacker.example", nil, "", "DNS rebinding"},
		{"console sign-in cross-site", "POST", "/console/signin", host, map[string]string{"Origin": "http://evil.example", "Content-Type": "application/x-www-form-urlencoded"}, "access_key=test&secret=test", "Origin"},
		{"reset with a long hostile Host", "POST", "/_chimevoice/reset", strings.Repeat("a", 5000) + ".example", nil, "", "..."},
	}
	for _, tc := range refused {
		t.Run("refused: "+tc.name, func(t *testing.T) {
			status, body := send(tc.method, tc.path, tc.host, tc.header, tc.body)
			if status != http.StatusForbidden || !strings.HasPrefix(body, "ForbiddenException ") || !strings.Contains(body, tc.want) {
				t.Fatalf("got %d %.300s; want 403 ForbiddenException naming %q", status, body, tc.want)
			}
			if len(body) > 1000 {
				t.Fatalf("message of %d bytes echoes the input", len(body))
			}
		})
	}
	if after := srv.Snapshot(t, srv.Voice); after != before {
		t.Fatalf("refused requests changed the store:\nbefore %s\nafter  %s", before, after)
	}
	accepted := []struct {
		name, method, path, host string
		header                   map[string]string
		body                     string
	}{
		{"same-origin page", "GET", "/_chimevoice/clock", host, map[string]string{"Origin": srv.URL, "Sec-Fetch-Site": "same-origin", "User-Agent": browser}, ""},
		{"same-origin JSON post", "POST", "/_chimevoice/clock", host, map[string]string{"Origin": srv.URL, "Sec-Fetch-Site": "same-origin", "Content-Type": "application/json", "User-Agent": browser}, `{"Advance":"0s"}`},
		{"typed-in URL", "GET", "/metrics", host, map[string]string{"Sec-Fetch-Site": "none", "User-Agent": browser}, ""},
		{"localhost", "GET", "/_chimevoice/state", "localhost:8080", nil, ""},
		{"a .localhost name", "GET", "/_chimevoice/clock", "chimevoice.localhost", nil, ""},
		{"IPv6 loopback", "GET", "/_chimevoice/clock", "[::1]:8080", nil, ""},
		{"a LAN address", "GET", "/_chimevoice/clock", "192.168.1.20:8080", nil, ""},
		{"health by any name", "GET", "/_chimevoice/health", "chimevoice.default.svc.cluster.local", nil, ""},
		{"a Compose service name", "GET", "/_chimevoice/clock", "chimevoice:8080", nil, ""},
		{"console from its own page", "GET", "/console/signin", host, map[string]string{"Sec-Fetch-Site": "same-origin", "User-Agent": browser}, ""},
	}
	for _, tc := range accepted {
		t.Run("accepted: "+tc.name, func(t *testing.T) {
			if status, body := send(tc.method, tc.path, tc.host, tc.header, tc.body); status != http.StatusOK {
				t.Fatalf("got %d %.300s", status, body)
			}
		})
	}
}

// TestReadmeCurlCommandsStillWork runs the README's admin curl commands
// (curl -d sends application/x-www-form-urlencoded) against the guard.
func TestReadmeCurlCommandsStillWork(t *testing.T) {
	curl, err := exec.LookPath("curl")
	if err != nil {
		t.Skip("no curl")
	}
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	base := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	for _, args := range [][]string{
		{base + "/_chimevoice/clock"},
		{"-XPOST", base + "/_chimevoice/clock", "-d", `{"Advance":"168h"}`},
		{"-XPOST", base + "/_chimevoice/clock", "-d", `{"Set":"2027-01-01T00:00:00.000Z"}`},
		{"-XPOST", base + "/_chimevoice/clock", "-d", `{"Advance":"0s"}`},
		{base + "/_chimevoice/health"},
		{base + "/metrics"},
		{base + "/_chimevoice/state"},
		{"-XPOST", base + "/_chimevoice/reset"},
		{"-XPOST", base + "/_chimevoice/faults", "-d", `[]`},
	} {
		out, err := exec.Command(curl, append([]string{"-s", "-o", "/dev/null", "-w", "%{http_code}"}, args...)...).Output()
		if err != nil || (string(out) != "200" && string(out) != "204") {
			t.Errorf("curl %s: %s %v", strings.Join(args, " "), out, err)
		}
	}
}

// TestBearerSchemeIsCaseInsensitive: "bearer", "BEARER" and "Bearer" all
// carry the admin token from a non-loopback client.
func TestBearerSchemeIsCaseInsensitive(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{AdminToken: "s3cret"})
	h := srv.HTTP.Config.Handler
	for _, tc := range []struct {
		auth, host string
		want       int
	}{
		{"Bearer s3cret", "10.0.0.5:8080", 200},
		{"bearer s3cret", "10.0.0.5:8080", 200},
		{"BEARER s3cret", "10.0.0.5:8080", 200},
		{"bearer  s3cret ", "10.0.0.5:8080", 200},
		{"Bearer s3cret", "chimevoice.internal", 200}, // the token passes the Host check
		{"bearer wrong", "10.0.0.5:8080", 403},
		{"Basic s3cret", "10.0.0.5:8080", 403},
		{"bearer wrong", "chimevoice.internal", 403},
	} {
		req := httptest.NewRequest(http.MethodGet, "/_chimevoice/clock", nil)
		req.RemoteAddr = "203.0.113.9:4000"
		req.Host = tc.host
		req.Header.Set("Authorization", tc.auth)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tc.want {
			t.Errorf("%q to %s: %d, want %d: %s", tc.auth, tc.host, rec.Code, tc.want, rec.Body)
		}
	}
}
