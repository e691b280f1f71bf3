package chimevoice

import (
	"context"
	"time"
)

// ConsoleSession is a person signed in to the web console, as kept by a
// ConsoleSessionService so that every replica behind a load balancer
// accepts it. Its ID is never stored: only IDHash, the SHA-256 of the
// cookie value, so that reading the table yields no usable cookie.
type ConsoleSession struct {
	IDHash    string
	CSRF      string // the session's form token
	AccountID string
	Principal string // the access key ID, or "admin token"
	Created   time.Time
	Seen      time.Time
	Flash     string // a one-shot notice for the next page
}

// ConsoleSessionService keeps web console sessions and the key the
// console's sign-in form tokens are signed with, shared by every replica.
// Times are the real clock's, never the service clock's.
type ConsoleSessionService interface {
	// CreateConsoleSession stores s, deletes every session that expired
	// (seen before idleBefore or created before createdBefore), and deletes
	// the oldest sessions of s.Principal beyond maxPerPrincipal.
	CreateConsoleSession(ctx context.Context, s ConsoleSession, idleBefore, createdBefore time.Time, maxPerPrincipal int) error
	// TouchConsoleSession returns the live session with idHash and marks it
	// seen at now; ok is false when there is none or it expired (then it
	// is deleted).
	TouchConsoleSession(ctx context.Context, idHash string, now, idleBefore, createdBefore time.Time) (s ConsoleSession, ok bool, err error)
	// DeleteConsoleSession ends a session; ending one that does not exist
	// is not an error.
	DeleteConsoleSession(ctx context.Context, idHash string) error
	// SetConsoleFlash leaves a notice for the session's next page.
	SetConsoleFlash(ctx context.Context, idHash, flash string) error
	// PopConsoleFlash returns the pending notice and clears it.
	PopConsoleFlash(ctx context.Context, idHash string) (string, error)
	// ConsoleKey returns the secret key named name, made at random the first
	// time any replica asks for it.
	ConsoleKey(ctx context.Context, name string) ([]byte, error)
}
