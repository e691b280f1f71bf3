package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chimevoice/chimevoice"
)

// This file implements pstn.Store: calls of the PSTN audio service and
// their transcripts.

const callCols = `transaction_id, account_id, aws_region, sma_id, sip_rule_id, status, end_reason, participants, script, state, version, created_at, updated_at, ended_at, due_at`

func callNotFound(id string) error {
	return chimevoice.Errorf(chimevoice.CodeNotFound, "The call %s was not found.", id)
}

// callRow is a call's columns, encoded.
func callRow(c *chimevoice.Call) ([]any, error) {
	parts, err := json.Marshal(c.Participants)
	if err != nil {
		return nil, fmt.Errorf("encode participants: %w", err)
	}
	script, err := json.Marshal(c.Script)
	if err != nil {
		return nil, fmt.Errorf("encode script: %w", err)
	}
	state := string(c.State)
	if state == "" {
		state = "{}"
	}
	return []any{c.TransactionID, c.AccountID, c.Region, c.SipMediaApplicationID, c.SipRuleID, string(c.Status), c.EndReason,
		string(parts), string(script), state, c.Version, ms(c.CreatedAt), ms(c.UpdatedAt), nullTime(c.EndedAt), nullTime(c.DueAt)}, nil
}

func nullTime(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: ms(t), Valid: true}
}

func scanCall(sc scanner) (*chimevoice.Call, error) {
	var c chimevoice.Call
	var status, parts, script, state string
	var created, updated int64
	var ended, due sql.NullInt64
	if err := sc.Scan(&c.TransactionID, &c.AccountID, &c.Region, &c.SipMediaApplicationID, &c.SipRuleID, &status, &c.EndReason,
		&parts, &script, &state, &c.Version, &created, &updated, &ended, &due); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(parts), &c.Participants); err != nil {
		return nil, fmt.Errorf("decode participants of call %s: %w", c.TransactionID, err)
	}
	if err := json.Unmarshal([]byte(script), &c.Script); err != nil {
		return nil, fmt.Errorf("decode script of call %s: %w", c.TransactionID, err)
	}
	c.Status, c.State = chimevoice.CallStatus(status), json.RawMessage(state)
	c.CreatedAt, c.UpdatedAt, c.EndedAt, c.DueAt = fromMS(created), fromMS(updated), nullMS(ended), nullMS(due)
	return &c, nil
}

func (s *Store) insertTranscript(ctx context.Context, tx *Tx, id string, entries []chimevoice.TranscriptEntry) error {
	if len(entries) == 0 {
		return nil
	}
	rows := make([][]any, len(entries))
	for i, e := range entries {
		rows[i] = []any{id, e.Seq, ms(e.At), string(e.Kind), string(e.Body)}
	}
	return s.insertRows(ctx, tx, `INSERT INTO call_transcripts (transaction_id, seq, at, kind, body) VALUES `, `(?, ?, ?, ?, ?)`, ``, rows)
}

// CreateCall implements pstn.Store.
func (s *Store) CreateCall(ctx context.Context, c *chimevoice.Call, entries []chimevoice.TranscriptEntry) error {
	row, err := callRow(c)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if _, err := tx.exec(ctx, `INSERT INTO calls (`+callCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, row...); err != nil {
			if s.d.Classify != nil && s.d.Classify(err) == ErrUnique {
				return chimevoice.Errorf(chimevoice.CodeConflict, "The call %s exists.", c.TransactionID)
			}
			return err
		}
		return s.insertTranscript(ctx, tx, c.TransactionID, entries)
	})
}

// SaveCall implements pstn.Store: it writes the call if the stored one
// still has version c.Version-1, and appends the entries to its transcript.
func (s *Store) SaveCall(ctx context.Context, c *chimevoice.Call, entries []chimevoice.TranscriptEntry) error {
	row, err := callRow(c)
	if err != nil {
		return err
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `UPDATE calls SET status = ?, end_reason = ?, participants = ?, script = ?, state = ?, version = ?,
			updated_at = ?, ended_at = ?, due_at = ?, claimed_until = NULL WHERE transaction_id = ? AND version = ?`,
			row[5], row[6], row[7], row[8], row[9], row[10], row[12], row[13], row[14], c.TransactionID, c.Version-1)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return s.wrap(err, "save call")
		}
		if n == 0 {
			ok, err := s.exists(ctx, tx, "call", `SELECT 1 FROM calls WHERE transaction_id = ?`, c.TransactionID)
			if err != nil {
				return err
			}
			if !ok {
				return callNotFound(c.TransactionID)
			}
			return chimevoice.Errorf(chimevoice.CodeConflict, "The call %s was changed by another request; retry.", c.TransactionID)
		}
		return s.insertTranscript(ctx, tx, c.TransactionID, entries)
	})
}

// GetCall implements pstn.Store.
func (s *Store) GetCall(ctx context.Context, id string) (*chimevoice.Call, error) {
	c, err := scanCall(reader{s}.queryRow(ctx, `SELECT `+callCols+` FROM calls WHERE transaction_id = ?`, id))
	if isNoRows(err) {
		return nil, callNotFound(id)
	}
	if err != nil {
		return nil, s.wrap(err, "get call")
	}
	c.Transcript, err = collect(ctx, s, reader{s}, "call transcript", func(sc scanner) (chimevoice.TranscriptEntry, error) {
		var e chimevoice.TranscriptEntry
		var at int64
		var kind, body string
		err := sc.Scan(&e.Seq, &at, &kind, &body)
		e.At, e.Kind, e.Body = fromMS(at), chimevoice.TranscriptKind(kind), json.RawMessage(body)
		return e, err
	}, `SELECT seq, at, kind, body FROM call_transcripts WHERE transaction_id = ? ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// maxCallPage is the largest and default page of ListCalls.
const maxCallPage = 100

// ListCalls implements pstn.Store: calls newest first, without transcripts.
func (s *Store) ListCalls(ctx context.Context, f chimevoice.CallFilter) ([]*chimevoice.Call, string, error) {
	limit := f.Limit
	if limit <= 0 || limit > maxCallPage {
		limit = maxCallPage
	}
	q := `SELECT ` + callCols + ` FROM calls WHERE 1 = 1`
	var args []any
	if f.AccountID != "" {
		q += ` AND account_id = ?`
		args = append(args, f.AccountID)
	}
	if f.Status != "" {
		q += ` AND status = ?`
		args = append(args, string(f.Status))
	}
	if f.After != "" {
		at, id, err := decodeCallToken(f.After)
		if err != nil {
			return nil, "", err
		}
		q += ` AND (created_at < ? OR (created_at = ? AND transaction_id < ?))`
		args = append(args, at, at, id)
	}
	q += ` ORDER BY created_at DESC, transaction_id DESC LIMIT ?`
	args = append(args, limit+1)
	out, err := collect(ctx, s, reader{s}, "calls", scanCall, q, args...)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[limit-1]
		next = base64.RawURLEncoding.EncodeToString([]byte("call:" + strconv.FormatInt(ms(last.CreatedAt), 10) + ":" + last.TransactionID))
	}
	return out, next, nil
}

func decodeCallToken(tok string) (int64, string, error) {
	bad := chimevoice.Errorf(chimevoice.CodeBadRequest, "NextToken: the token is not valid.")
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, "", bad
	}
	rest, ok := strings.CutPrefix(string(b), "call:")
	atStr, id, ok2 := strings.Cut(rest, ":")
	at, err := strconv.ParseInt(atStr, 10, 64)
	if !ok || !ok2 || err != nil {
		return 0, "", bad
	}
	return at, id, nil
}

// ClaimDueCalls implements pstn.Store. The claim condition is repeated
// outside the subquery: when two PostgreSQL transactions pick the same
// rows, the second re-checks each row after the first commits and skips
// the ones it claimed.
func (s *Store) ClaimDueCalls(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]string, error) {
	var ids []string
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		ids = ids[:0]
		rows, err := tx.query(ctx, `UPDATE calls SET claimed_until = ?
			WHERE (claimed_until IS NULL OR claimed_until <= ?) AND transaction_id IN (
				SELECT transaction_id FROM calls WHERE status = 'InProgress' AND due_at IS NOT NULL AND due_at <= ?
					AND (claimed_until IS NULL OR claimed_until <= ?)
				ORDER BY due_at, transaction_id LIMIT ?)
			RETURNING transaction_id`, ms(now.Add(lease)), ms(now), ms(now), ms(now), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return s.wrap(err, "scan claimed call")
			}
			ids = append(ids, id)
		}
		return s.wrap(rows.Err(), "claim due calls")
	})
	slices.Sort(ids)
	return ids, err
}
