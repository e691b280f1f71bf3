package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/chimevoice/chimevoice"
)

// adminRoutes serves /_chimevoice/: health and the service clock.
func (s *Server) adminRoutes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_chimevoice/health", s.health)
	mux.HandleFunc("GET "+LocalStackHealthPath, s.health)
	mux.HandleFunc("GET /_chimevoice/clock", s.adminOp(s.getClock))
	mux.HandleFunc("POST /_chimevoice/clock", s.adminOp(s.postClock))
	s.registerOps(mux)
	s.registerCallAdmin(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Health answers everyone: load balancers and kubelets probe it from
		// other hosts, and it tells nothing but up or down.
		if !s.adminAllowed(r) && !(r.Method == http.MethodGet && (r.URL.Path == AdminPrefix+"health" || r.URL.Path == LocalStackHealthPath)) {
			writeError(r.Context(), w, s.log, chimevoice.Errorf(chimevoice.CodeForbidden, "The admin API answers loopback clients, or requests with Authorization: Bearer <admin token>."))
			return
		}
		if _, pattern := mux.Handler(r); pattern == "" {
			writeError(r.Context(), w, s.log, chimevoice.Errorf(chimevoice.CodeNotFound, "No admin endpoint %s %s.", chimevoice.Clip(r.Method), chimevoice.Clip(r.URL.Path)))
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// adminOp adapts an admin endpoint the way op adapts an API operation: fn
// returns the status and the value to answer as JSON, or an error, which
// goes out in the AWS shape.
func (s *Server) adminOp(fn func(w http.ResponseWriter, r *http.Request) (int, any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		status, v, err := fn(w, r)
		if err != nil {
			writeError(r.Context(), w, s.log, err)
			return
		}
		writeJSON(w, status, v)
	}
}

// healthTimeout bounds the health check's ping: a load balancer probing
// health wants a fast "unavailable", not a hung connection.
const healthTimeout = 2 * time.Second

// LocalStackHealthPath answers as /_chimevoice/health does, for the wait
// strategies written for LocalStack, which read this path.
const LocalStackHealthPath = "/_localstack/health"

// healthBody is the health answer: "status" for load balancers, and the
// shape of LocalStack's health endpoint (each service and its state, the
// version) for tools written against LocalStack.
type healthBody struct {
	Status   string            `json:"status"`
	Services map[string]string `json:"services"`
	Edition  string            `json:"edition"`
	Version  string            `json:"version"`
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), healthTimeout)
	defer cancel()
	body := healthBody{Status: "ok", Edition: "chimevoice", Version: chimevoice.Version}
	code, state := http.StatusOK, "running"
	if err := s.svc.Admin.Ping(ctx); err != nil {
		s.log.Warn("health check failed", "err", err)
		body.Status, code, state = "unavailable", http.StatusServiceUnavailable, "error"
	}
	body.Services = map[string]string{"chime-sdk-voice": state, "chime": state}
	writeJSON(w, code, body)
}

type clockOut struct {
	Now Time `json:"Now"`
}

func (s *Server) getClock(w http.ResponseWriter, r *http.Request) (int, any, error) {
	now, err := s.svc.Admin.Now(r.Context())
	return http.StatusOK, clockOut{Now: Time(now)}, err
}

func (s *Server) postClock(w http.ResponseWriter, r *http.Request) (int, any, error) {
	ctx := r.Context()
	body, err := readBody(w, r)
	if err != nil {
		return 0, nil, err
	}
	var in struct {
		Advance *string
		Set     *string
	}
	if err := json.Unmarshal(body, &in); err != nil {
		return 0, nil, chimevoice.Errorf(chimevoice.CodeBadRequest, "The body must be {\"Advance\":\"<duration>\"} or {\"Set\":\"<ISO 8601 time>\"}: %v.", err)
	}
	var now time.Time
	switch {
	case in.Advance != nil && in.Set != nil:
		return 0, nil, chimevoice.Errorf(chimevoice.CodeBadRequest, "Give either Advance or Set, not both.")
	case in.Advance != nil:
		d, err := chimevoice.ParseDuration(*in.Advance)
		if err != nil {
			return 0, nil, chimevoice.FieldErrorf("Advance", "%q is not a duration (e.g. \"7d\", \"168h\", \"90m\", \"1ms\").", *in.Advance)
		}
		if now, err = s.svc.Admin.AdvanceClock(ctx, d); err != nil {
			return 0, nil, err
		}
	case in.Set != nil:
		t, err := time.Parse(time.RFC3339Nano, *in.Set)
		if err != nil {
			return 0, nil, chimevoice.FieldErrorf("Set", "%q is not an ISO 8601 time (e.g. \"2026-12-01T00:00:00.000Z\").", *in.Set)
		}
		if now, err = s.svc.Admin.SetClock(ctx, t); err != nil {
			return 0, nil, err
		}
	default:
		return 0, nil, chimevoice.Errorf(chimevoice.CodeBadRequest, "The body must hold Advance or Set.")
	}
	// The calls' timers that became due run before the answer, as the
	// store's due work does.
	return http.StatusOK, clockOut{Now: Time(now)}, s.svc.Calls.RunDue(ctx)
}
