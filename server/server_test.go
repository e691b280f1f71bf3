package server_test

import (
	"strings"
	"testing"

	"github.com/chimevoice/chimevoice/chimevoicetest"
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
	if _, err := server.New(st.Services(), server.Config{}); err != nil {
		t.Fatalf("New with every service: %v", err)
	}
}
