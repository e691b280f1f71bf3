package httpapi

import (
	"net/http"

	"github.com/google/uuid"

	"github.com/chimevoice/chimevoice"
)

// Unavailable answers every request with 503 while the server cannot serve
// (its database is not reachable yet): ServiceUnavailableException in the
// AWS shape with msg, and {"status":"unavailable"} on the health endpoint,
// so that SDKs retry and load balancers keep the replica out of rotation.
func Unavailable(msg string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("x-amzn-RequestId", uuid.NewString())
		if r.URL.Path == AdminPrefix+"health" {
			writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable"})
			return
		}
		w.Header().Set("Retry-After", "1")
		writeError(r.Context(), w, discard, chimevoice.Errorf(chimevoice.CodeServiceUnavailable, "%s", msg))
	})
}
