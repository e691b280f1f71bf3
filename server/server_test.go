package server_test

import (
	"strings"
	"testing"

	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/lambdainvoke"
	"github.com/chimevoice/chimevoice/server"
	"github.com/chimevoice/chimevoice/sqlstore"
)

// A service left out of the wiring is an error at construction, naming it,
// never operations that answer "not supported" at run time.
func TestNewRefusesMissingService(t *testing.T) {
	st := chimevoicetest.SQLite().Open(t, sqlstore.Config{Pool: chimevoicetest.Pool})
	svc := st.Services()
	svc.Tags = nil
	_, err := server.New(svc, server.Config{})
	if err == nil || !strings.Contains(err.Error(), "Tags is not set") {
		t.Fatalf("New without Tags: %v, want an error naming Tags", err)
	}
	if _, err := server.New(st.Services(), server.Config{}); err == nil || !strings.Contains(err.Error(), "Calls is not set") {
		t.Fatalf("New with the store's services alone: %v, want an error naming Calls", err)
	}
	srv, err := server.Open(st, lambdainvoke.Config{}, server.Config{})
	if err != nil || srv.Calls == nil {
		t.Fatalf("Open on the store: %v (calls %v)", err, srv)
	}
	if _, err := server.Open(st, lambdainvoke.Config{Endpoint: "ftp://x"}, server.Config{}); err == nil || !strings.Contains(err.Error(), "lambda") {
		t.Fatalf("Open with a bad Lambda endpoint: %v", err)
	}
}
