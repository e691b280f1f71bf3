package httpapi

import (
	"bytes"
	"net/http"
	"strconv"

	"github.com/chimevoice/chimevoice"
)

// MetricsPath is where Prometheus scrapes. It is guarded like the admin
// API (loopback, or the admin token as a bearer token): the figures tell
// nothing secret, but an operator who exposes the API should not expose
// more than that by accident.
const MetricsPath = "/metrics"

// MaxStateBytes is the largest snapshot POST /_chimevoice/state accepts.
const MaxStateBytes = 256 << 20

// registerOps adds the operator endpoints to the admin API.
func (s *Server) registerOps(mux *http.ServeMux) {
	mux.HandleFunc("GET /_chimevoice/state", s.getState)
	mux.HandleFunc("POST /_chimevoice/state", s.adminOp(s.postState))
	mux.HandleFunc("POST /_chimevoice/reset", s.adminOp(s.postReset))
	mux.HandleFunc("GET /_chimevoice/faults", s.adminOp(s.getFaults))
	mux.HandleFunc("POST /_chimevoice/faults", s.adminOp(s.postFaults))
	mux.HandleFunc("DELETE /_chimevoice/faults", s.adminOp(s.deleteFaults))
}

// serveMetrics serves MetricsPath.
func (s *Server) serveMetrics(w http.ResponseWriter, r *http.Request) {
	switch {
	case !s.adminAllowed(r):
		writeError(r.Context(), w, s.log, chimevoice.Errorf(chimevoice.CodeForbidden, "%s answers loopback clients, or requests with Authorization: Bearer <admin token>.", MetricsPath))
	case s.opts.Metrics == nil:
		writeError(r.Context(), w, s.log, chimevoice.Errorf(chimevoice.CodeNotFound, "Metrics are not enabled on this server."))
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		w.Header().Set("Allow", "GET, HEAD")
		writeError(r.Context(), w, s.log, chimevoice.Errorf(chimevoice.CodeBadRequest, "%s answers GET.", MetricsPath))
	default:
		s.opts.Metrics.Handler().ServeHTTP(w, r)
	}
}

func (s *Server) getState(w http.ResponseWriter, r *http.Request) {
	st := s.svc.State
	var o chimevoice.ExportOptions
	if v := r.URL.Query().Get("pool"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			writeError(r.Context(), w, s.log, chimevoice.FieldErrorf("pool", "%q is not true or false.", v))
			return
		}
		o.Pool = b
	}
	// Buffered, so that a failure half-way is an error answer, not a
	// truncated snapshot with status 200.
	var buf bytes.Buffer
	if err := st.ExportState(r.Context(), &buf, o); err != nil {
		writeError(r.Context(), w, s.log, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(http.StatusOK)
	w.Write(buf.Bytes())
}

func (s *Server) postState(w http.ResponseWriter, r *http.Request) (int, any, error) {
	body, err := readBodyLimit(w, r, MaxStateBytes)
	if err != nil {
		return 0, nil, err
	}
	counts, err := s.svc.State.ImportState(r.Context(), body)
	if err != nil {
		return 0, nil, err
	}
	return s.stateChanged(r, counts)
}

func (s *Server) postReset(w http.ResponseWriter, r *http.Request) (int, any, error) {
	if err := s.svc.State.ResetState(r.Context()); err != nil {
		return 0, nil, err
	}
	return s.stateChanged(r, nil)
}

// stateChanged answers a state import or reset: the rows imported (none
// for a reset) and the service clock, which both set.
func (s *Server) stateChanged(r *http.Request, imported map[string]int) (int, any, error) {
	now, err := s.svc.Admin.Now(r.Context())
	return http.StatusOK, struct {
		Imported map[string]int `json:",omitempty"`
		Now      Time
	}{imported, Time(now)}, err
}
