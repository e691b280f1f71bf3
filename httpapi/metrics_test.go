package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chimesdkvoice"
	vtypes "github.com/aws/aws-sdk-go-v2/service/chimesdkvoice/types"

	"github.com/chimevoice/chimevoice/chimevoicetest"
)

// TestMetricsMoveUnderLoad sends requests through the SDK, then scrapes
// /metrics and checks that every figure moved by what was done.
func TestMetricsMoveUnderLoad(t *testing.T) {
	chimevoicetest.Each(t, func(t *testing.T, b chimevoicetest.Backend) {
		srv := chimevoicetest.New(t, chimevoicetest.Options{Backend: b})
		before := srv.Metrics(t)
		if v := before.Value("chimevoice_store_up"); v != 1 {
			t.Fatalf("store_up %v", v)
		}
		if v := before.Value("chimevoice_phone_numbers", "status", "Unassigned"); v != 0 {
			t.Fatalf("phone_numbers{Unassigned} on an empty store: %v", v)
		}

		nums := srv.Provision(t, srv.Voice, "206", 3, vtypes.PhoneNumberProductTypeVoiceConnector)
		if errs := batchDelete(t, srv, nums[:2]...); len(errs) != 0 {
			t.Fatalf("delete: %+v", errs)
		}
		const gets = 7
		for i := 0; i < gets; i++ {
			getNumber(t, srv, nums[2])
		}
		_, err := srv.Voice.GetPhoneNumber(ctx, &chimesdkvoice.GetPhoneNumberInput{PhoneNumberId: aws.String("+12065550100")})
		apiError(t, err, "NotFoundException")
		if r := srv.Raw(t, http.MethodGet, "/phone-numbers", nil); r.Status != http.StatusUnauthorized {
			t.Fatalf("unsigned request: %d", r.Status)
		}
		srv.Advance(t, time.Hour)

		m := srv.Metrics(t)
		for _, c := range []struct {
			name   string
			labels []string
			want   float64
		}{
			{"chimevoice_requests_total", []string{"operation", "BatchDeletePhoneNumber", "code", "200"}, 1},
			{"chimevoice_requests_total", []string{"operation", "GetPhoneNumber", "code", "200"}, gets},
			{"chimevoice_requests_total", []string{"operation", "GetPhoneNumber", "code", "404"}, 1},
			{"chimevoice_requests_total", []string{"operation", "CreatePhoneNumberOrder", "code", "201"}, 1},
			{"chimevoice_requests_total", []string{"operation", "unknown", "code", "401"}, 1},
			{"chimevoice_request_duration_seconds", []string{"operation", "GetPhoneNumber"}, gets + 1},
			{"chimevoice_phone_numbers", []string{"status", "Unassigned"}, 1},
			{"chimevoice_phone_numbers", []string{"status", "DeleteInProgress"}, 2},
			{"chimevoice_phone_numbers", []string{"status", "Assigned"}, 0},
			{"chimevoice_deletion_queue_numbers", nil, 2},
			{"chimevoice_deletion_queue_oldest_age_seconds", nil, 3600},
			{"chimevoice_orders_completed_total", []string{"status", "Successful"}, 1},
			{"chimevoice_orders_completed_total", []string{"status", "Failed"}, 0},
			{"chimevoice_purged_numbers_total", nil, 0},
		} {
			if got := m.Value(c.name, c.labels...); got != c.want {
				t.Errorf("%s%v = %v, want %v", c.name, c.labels, got, c.want)
			}
		}
		for _, pool := range []string{"read", "write"} {
			if v := m.Value("chimevoice_store_open_connections", "pool", pool); v < 1 {
				t.Errorf("store_open_connections{%s} = %v", pool, v)
			}
			if v := m.Value("chimevoice_store_wait_count_total", "pool", pool); v < 0 {
				t.Errorf("store_wait_count_total{%s} missing", pool)
			}
		}

		// Past the retention, the queue is purged and the figures follow.
		srv.Advance(t, week)
		m = srv.Metrics(t)
		if v := m.Value("chimevoice_purged_numbers_total"); v != 2 {
			t.Errorf("purged_numbers_total = %v, want 2", v)
		}
		if q, age := m.Value("chimevoice_deletion_queue_numbers"), m.Value("chimevoice_deletion_queue_oldest_age_seconds"); q != 0 || age != 0 {
			t.Errorf("after the purge: queue %v, oldest age %v", q, age)
		}
	})
}

// TestMetricsAreGuardedLikeTheAdminAPI: loopback or the admin token.
func TestMetricsAreGuardedLikeTheAdminAPI(t *testing.T) {
	srv := chimevoicetest.New(t, chimevoicetest.Options{AdminToken: "s3cret"})
	h := srv.HTTP.Config.Handler
	scrape := func(remote, auth string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
		req.RemoteAddr = remote
		req.Host = "localhost:8080" // httptest's example.com is refused (DNS rebinding guard)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	if rec := scrape("203.0.113.9:4000", ""); rec.Code != http.StatusForbidden || rec.Header().Get("X-Amzn-ErrorType") != "ForbiddenException" {
		t.Fatalf("remote scrape without token: %d", rec.Code)
	}
	if rec := scrape("203.0.113.9:4000", "Bearer wrong"); rec.Code != http.StatusForbidden {
		t.Fatalf("remote scrape with a wrong token: %d", rec.Code)
	}
	rec := scrape("203.0.113.9:4000", "Bearer s3cret")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "chimevoice_store_up 1") {
		t.Fatalf("remote scrape with the token: %d %.200s", rec.Code, rec.Body.String())
	}
	if rec := scrape("127.0.0.1:4000", ""); rec.Code != http.StatusOK {
		t.Fatalf("loopback scrape: %d", rec.Code)
	}
}
