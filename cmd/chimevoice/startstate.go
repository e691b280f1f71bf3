package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/sqlstore"
)

// importStartState imports --state into the store when the store is empty:
// a test suite or a container starts from a fixture, and a restarted
// container on the same volume keeps what it had. The snapshot is
// validated first and imported all or nothing (ImportState).
func (m *Main) importStartState(ctx context.Context, st *sqlstore.Store) error {
	path := m.Config.State
	empty, err := storeIsEmpty(ctx, st)
	if err != nil {
		return fmt.Errorf("--state %s: %w", path, err)
	}
	if !empty {
		m.Logger.Info("the store already holds state: --state not imported", "file", path)
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("--state: %w", err)
	}
	counts, err := st.ImportState(ctx, data)
	if err != nil {
		return fmt.Errorf("--state %s: %s", path, chimevoice.ErrorMessage(err))
	}
	m.Logger.Info("imported the state snapshot", "file", path, "imported", formatCounts(counts))
	return nil
}

// storeIsEmpty reports whether no account holds anything: no number (one
// indexed count) and, then, no other resource in an export.
func storeIsEmpty(ctx context.Context, st *sqlstore.Store) (bool, error) {
	stats, err := st.Stats(ctx)
	if err != nil {
		return false, err
	}
	for _, n := range stats.Numbers {
		if n > 0 {
			return false, nil
		}
	}
	var buf bytes.Buffer
	if err := st.ExportState(ctx, &buf, chimevoice.ExportOptions{}); err != nil {
		return false, err
	}
	var sections map[string]json.RawMessage
	if err := json.Unmarshal(buf.Bytes(), &sections); err != nil {
		return false, fmt.Errorf("read the export: %w", err)
	}
	for name, raw := range sections {
		var rows []json.RawMessage
		if name == "Version" || name == "Now" || json.Unmarshal(raw, &rows) != nil {
			continue
		}
		if len(rows) > 0 {
			return false, nil
		}
	}
	return true, nil
}

// describeStore says what the server starts from: an empty store, or one
// it resumes (how many numbers, and how far the service clock is from the
// real one, as an earlier run may have moved it).
func describeStore(ctx context.Context, st *sqlstore.Store, now time.Time) (string, error) {
	stats, err := st.Stats(ctx)
	if err != nil {
		return "", err
	}
	var numbers int64
	for _, n := range stats.Numbers {
		numbers += n
	}
	offset := stats.Now.Sub(now).Round(time.Second)
	moved := offset.Abs() >= time.Minute
	if numbers == 0 && !moved {
		empty, err := storeIsEmpty(ctx, st)
		if err != nil {
			return "", err
		}
		if empty {
			return "a new, empty store", nil
		}
	}
	s := fmt.Sprintf("resuming a store with %d phone numbers (%d in the Deletion queue)", numbers, stats.Numbers[chimevoice.StatusDeleteInProgress])
	if moved {
		way := "ahead of"
		if offset < 0 {
			way = "behind"
		}
		s += fmt.Sprintf("; service clock %s, %s %s real time (chimevoice state reset, or a fresh --data, starts over)",
			stats.Now.UTC().Format(time.RFC3339), roughDuration(offset.Abs()), way)
	}
	return s, nil
}

// roughDuration writes d in days and hours ("31d 18h"), or hours and
// minutes under a day.
func roughDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	if d >= 24*time.Hour {
		return fmt.Sprintf("%dd %dh", d/(24*time.Hour), d%(24*time.Hour)/time.Hour)
	}
	return fmt.Sprintf("%dh %dm", d/time.Hour, d%time.Hour/time.Minute)
}

// printStart says, after the listening line, what the server starts from
// and whether it runs as a development emulator.
func (m *Main) printStart(ctx context.Context, w io.Writer) {
	if st := m.Store(); st == nil {
		fmt.Fprintf(w, "  the database is not reachable yet: answering 503 until it is\n")
	} else if desc, err := describeStore(ctx, st, m.Clock.Now()); err != nil {
		m.Logger.Warn("describe the store", "err", err)
	} else {
		fmt.Fprintf(w, "  %s\n", desc)
	}
	if m.emulator != "" {
		fmt.Fprint(w, emulatorNotice(m.emulator))
		m.Logger.Warn("running as a development emulator: test/test and the admin API answer every client", "why", m.emulator)
	}
}
