package chimevoice

import (
	"context"
	"io"
)

// StateService exports, replaces and empties the whole store at once, for
// tests that start from a known state and for moving fixtures between
// stores (admin API /_chimevoice/state, CLI `chimevoice state`).
type StateService interface {
	// ExportState writes a snapshot of every account's resources and the
	// service clock to w as JSON (the format is described in
	// docs/operations.md). It is consistent: one read transaction.
	ExportState(ctx context.Context, w io.Writer, o ExportOptions) error

	// ImportState replaces the store's state with the JSON snapshot: every
	// field and every invariant is checked first (BadRequest naming the
	// first offending field), then everything is replaced in one
	// transaction, or nothing is. The service clock becomes the snapshot's
	// Now, even when that is earlier. It returns how many rows each
	// section of the snapshot held.
	ImportState(ctx context.Context, snapshot []byte) (map[string]int, error)

	// ResetState empties every account's resources and sets the service
	// clock back to the base clock (offset 0). The imported carrier pool is
	// kept: it is configuration, not test state.
	ResetState(ctx context.Context) error
}

// ExportOptions select what ExportState writes beyond the accounts' resources.
type ExportOptions struct {
	// Pool includes the imported carrier pool (which can be large).
	Pool bool
}
