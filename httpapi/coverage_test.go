package httpapi_test

import (
	"os"
	"strings"
	"testing"

	"github.com/chimevoice/chimevoice/chimevoicetest"
	"github.com/chimevoice/chimevoice/model"
)

// TestCoverageDoc keeps docs/coverage.md true: every operation of the
// models has a row, and "done" is exactly what the server serves.
func TestCoverageDoc(t *testing.T) {
	data, err := os.ReadFile("../docs/coverage.md")
	if err != nil {
		t.Fatal(err)
	}
	state := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 5 || strings.TrimSpace(cells[1]) == "operation" || strings.HasPrefix(strings.TrimSpace(cells[1]), "---") {
			continue
		}
		state[strings.TrimSpace(cells[1])] = strings.TrimSpace(cells[3])
	}
	srv := chimevoicetest.New(t, chimevoicetest.Options{})
	api, err := model.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range api.Operations() {
		got, ok := state[op.Name]
		if !ok {
			t.Errorf("docs/coverage.md has no row for %s", op.Name)
			continue
		}
		if served := srv.Handler.Supported(op.Name); served != (got == "done") {
			t.Errorf("docs/coverage.md says %s is %q; served: %v", op.Name, got, served)
		}
	}
}
