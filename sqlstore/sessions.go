package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/chimevoice/chimevoice"
)

var _ chimevoice.ConsoleSessionService = (*Store)(nil)

// CreateConsoleSession implements chimevoice.ConsoleSessionService.
func (s *Store) CreateConsoleSession(ctx context.Context, cs chimevoice.ConsoleSession, idleBefore, createdBefore time.Time, maxPerPrincipal int) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.exec(ctx, `DELETE FROM console_sessions WHERE seen_at < ? OR created_at < ?`, ms(idleBefore), ms(createdBefore)); err != nil {
			return err
		}
		if _, err := tx.exec(ctx, `INSERT INTO console_sessions (id_hash, csrf, account_id, principal, created_at, seen_at, flash) VALUES (?, ?, ?, ?, ?, ?, '')`,
			cs.IDHash, cs.CSRF, cs.AccountID, cs.Principal, ms(cs.Created), ms(cs.Seen)); err != nil {
			return err
		}
		if maxPerPrincipal > 0 {
			// Keep the newest maxPerPrincipal sessions of the principal.
			_, err := tx.exec(ctx, `DELETE FROM console_sessions WHERE principal = ? AND id_hash NOT IN (
				SELECT id_hash FROM console_sessions WHERE principal = ? ORDER BY created_at DESC, id_hash LIMIT ?)`,
				cs.Principal, cs.Principal, maxPerPrincipal)
			return err
		}
		return nil
	})
}

// TouchConsoleSession implements chimevoice.ConsoleSessionService.
func (s *Store) TouchConsoleSession(ctx context.Context, idHash string, now, idleBefore, createdBefore time.Time) (chimevoice.ConsoleSession, bool, error) {
	var cs chimevoice.ConsoleSession
	var ok bool
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		ok = false
		var created, seen int64
		err := tx.queryRow(ctx, `SELECT csrf, account_id, principal, created_at, seen_at, flash FROM console_sessions WHERE id_hash = ?`, idHash).
			Scan(&cs.CSRF, &cs.AccountID, &cs.Principal, &created, &seen, &cs.Flash)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return s.wrap(err, "read console session")
		}
		if seen < ms(idleBefore) || created < ms(createdBefore) {
			_, err := tx.exec(ctx, `DELETE FROM console_sessions WHERE id_hash = ?`, idHash)
			return err
		}
		if _, err := tx.exec(ctx, `UPDATE console_sessions SET seen_at = ? WHERE id_hash = ?`, ms(now), idHash); err != nil {
			return err
		}
		cs.IDHash, cs.Created, cs.Seen, ok = idHash, time.UnixMilli(created).UTC(), now, true
		return nil
	})
	return cs, ok, err
}

// DeleteConsoleSession implements chimevoice.ConsoleSessionService.
func (s *Store) DeleteConsoleSession(ctx context.Context, idHash string) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, `DELETE FROM console_sessions WHERE id_hash = ?`, idHash)
		return err
	})
}

// SetConsoleFlash implements chimevoice.ConsoleSessionService.
func (s *Store) SetConsoleFlash(ctx context.Context, idHash, flash string) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, `UPDATE console_sessions SET flash = ? WHERE id_hash = ?`, flash, idHash)
		return err
	})
}

// PopConsoleFlash implements chimevoice.ConsoleSessionService.
func (s *Store) PopConsoleFlash(ctx context.Context, idHash string) (string, error) {
	var flash string
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		flash = ""
		err := tx.queryRow(ctx, `SELECT flash FROM console_sessions WHERE id_hash = ?`, idHash).Scan(&flash)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && flash == "") {
			return nil
		}
		if err != nil {
			return s.wrap(err, "read console flash")
		}
		_, err = tx.exec(ctx, `UPDATE console_sessions SET flash = '' WHERE id_hash = ?`, idHash)
		return err
	})
	return flash, err
}

// ConsoleKey implements chimevoice.ConsoleSessionService.
func (s *Store) ConsoleKey(ctx context.Context, name string) ([]byte, error) {
	fresh := make([]byte, 32)
	rand.Read(fresh)
	var enc string
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO console_keys (name, key) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`, name, base64.StdEncoding.EncodeToString(fresh)); err != nil {
			return err
		}
		return s.wrap(tx.queryRow(ctx, `SELECT key FROM console_keys WHERE name = ?`, name).Scan(&enc), "read console key")
	})
	if err != nil {
		return nil, err
	}
	key, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, fmt.Errorf("console key %s: %w", name, err)
	}
	return key, nil
}
