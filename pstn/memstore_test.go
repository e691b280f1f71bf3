package pstn_test

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/chimevoice/chimevoice"
)

// memStore is an in-memory pstn.Store for the engine's own tests; the
// server uses sqlstore's.
type memStore struct {
	mu     sync.Mutex
	calls  map[string]*chimevoice.Call
	claims map[string]time.Time
	order  []string
}

func newMemStore() *memStore {
	return &memStore{calls: map[string]*chimevoice.Call{}, claims: map[string]time.Time{}}
}

func clone(c *chimevoice.Call) *chimevoice.Call {
	cp := *c
	cp.Participants = slices.Clone(c.Participants)
	cp.State = slices.Clone(c.State)
	cp.Transcript = slices.Clone(c.Transcript)
	return &cp
}

func (m *memStore) CreateCall(ctx context.Context, c *chimevoice.Call, entries []chimevoice.TranscriptEntry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.calls[c.TransactionID]; ok {
		return chimevoice.Errorf(chimevoice.CodeConflict, "call %s exists", c.TransactionID)
	}
	cp := clone(c)
	cp.Transcript = slices.Clone(entries)
	m.calls[c.TransactionID] = cp
	m.order = append(m.order, c.TransactionID)
	return nil
}

func (m *memStore) SaveCall(ctx context.Context, c *chimevoice.Call, entries []chimevoice.TranscriptEntry) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	old, ok := m.calls[c.TransactionID]
	if !ok {
		return chimevoice.Errorf(chimevoice.CodeNotFound, "call %s not found", c.TransactionID)
	}
	if old.Version != c.Version-1 {
		return chimevoice.Errorf(chimevoice.CodeConflict, "call %s has version %d, not %d", c.TransactionID, old.Version, c.Version-1)
	}
	cp := clone(c)
	cp.Transcript = append(slices.Clone(old.Transcript), entries...)
	m.calls[c.TransactionID] = cp
	delete(m.claims, c.TransactionID)
	return nil
}

func (m *memStore) GetCall(ctx context.Context, id string) (*chimevoice.Call, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.calls[id]
	if !ok {
		return nil, chimevoice.Errorf(chimevoice.CodeNotFound, "The call %s was not found.", id)
	}
	return clone(c), nil
}

func (m *memStore) ListCalls(ctx context.Context, f chimevoice.CallFilter) ([]*chimevoice.Call, string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []*chimevoice.Call
	for i := len(m.order) - 1; i >= 0; i-- {
		c := clone(m.calls[m.order[i]])
		c.Transcript = nil
		out = append(out, c)
	}
	return out, "", nil
}

func (m *memStore) ClaimDueCalls(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]string, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var ids []string
	for _, id := range m.order {
		c := m.calls[id]
		if c.Status == chimevoice.CallInProgress && !c.DueAt.IsZero() && !c.DueAt.After(now) && !m.claims[id].After(now) && len(ids) < limit {
			ids = append(ids, id)
			m.claims[id] = now.Add(lease)
		}
	}
	return ids, nil
}
