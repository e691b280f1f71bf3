package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/chimevoice/chimevoice"
)

func notFound(e164 string) error {
	return chimevoice.Errorf(chimevoice.CodeNotFound, "The phone number %s was not found.", e164)
}

// getNumber reads one number of the account with its associations;
// inside a write transaction the number is locked.
func (s *Store) getNumber(ctx context.Context, q querier, account, e164 string) (*chimevoice.PhoneNumber, error) {
	n, err := numbersTable.scan(q.queryRow(ctx, numbersTable.selectFrom()+` WHERE e164 = ? AND account_id = ?`+s.lockClause(q), e164, account))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound(e164)
	}
	if err != nil {
		return nil, s.wrap(err, "get phone number")
	}
	assocs, err := s.associations(ctx, q, account, []string{e164})
	if err != nil {
		return nil, err
	}
	n.Associations = assocs[e164]
	return n, nil
}

// associations returns the associations of the given numbers of an account.
//
// Lookups by a list of numbers go by primary key and filter the account on
// the rows read: with "account_id = ?" in the WHERE clause SQLite, which
// has no statistics, would estimate the account's index range as tiny and
// scan all of it instead of probing the list.
func (s *Store) associations(ctx context.Context, q querier, account string, e164s []string) (map[string][]chimevoice.Association, error) {
	out := map[string][]chimevoice.Association{}
	if len(e164s) == 0 {
		return out, nil
	}
	in, arg := s.inList("e164", e164s)
	rows, err := q.query(ctx, `SELECT e164, account_id, name, value, associated_at FROM phone_number_associations WHERE `+in+` ORDER BY e164, name`, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var e164, acct, name, value string
		var at int64
		if err := rows.Scan(&e164, &acct, &name, &value, &at); err != nil {
			return nil, s.wrap(err, "scan associations")
		}
		if acct == account {
			out[e164] = append(out[e164], chimevoice.Association{Name: chimevoice.AssociationName(name), Value: value, AssociatedAt: fromMS(at)})
		}
	}
	return out, s.wrap(rows.Err(), "read associations")
}

// GetPhoneNumber implements chimevoice.PhoneNumberService.
func (s *Store) GetPhoneNumber(ctx context.Context, c chimevoice.Caller, id string) (*chimevoice.PhoneNumber, error) {
	e164, err := chimevoice.ParsePhoneNumberID("PhoneNumberId", id)
	if err != nil {
		return nil, err
	}
	return s.getNumber(ctx, reader{s}, c.AccountID, e164)
}

// ListPhoneNumbers implements chimevoice.PhoneNumberService.
func (s *Store) ListPhoneNumbers(ctx context.Context, c chimevoice.Caller, f chimevoice.PhoneNumberFilter) ([]*chimevoice.PhoneNumber, string, error) {
	if err := f.Validate(); err != nil {
		return nil, "", err
	}
	if f.Limit <= 0 {
		f.Limit = 100
	}
	// The Deletion queue lists in the order it will be purged, along its
	// index: "account_id || ''" keeps the planner off the account's index,
	// whose equality it would otherwise prefer (walking every number of the
	// account and sorting the queued ones). Other lists go by E.164.
	queue := f.Status == chimevoice.StatusDeleteInProgress
	q := numbersTable.selectFrom()
	var args []any
	order := ` ORDER BY e164`
	if queue {
		q += ` WHERE deleted_at IS NOT NULL AND account_id || '' = ?`
		args = []any{c.AccountID}
		order = ` ORDER BY deleted_at, e164`
		if f.After != "" {
			at, e164, ok := chimevoice.ParseQueueCursor(f.After)
			if !ok {
				return nil, "", chimevoice.FieldErrorf("NextToken", "the token is not valid.")
			}
			q += ` AND (deleted_at, e164) > (?, ?)`
			args = append(args, ms(at), e164)
		}
	} else {
		q += ` WHERE account_id = ? AND e164 > ?`
		args = []any{c.AccountID, f.After}
		if f.Status != "" {
			q += ` AND status = ?`
			args = append(args, string(f.Status))
		}
	}
	if f.ProductType != "" {
		q += ` AND product_type = ?`
		args = append(args, string(f.ProductType))
	}
	if f.FilterName != "" {
		q += ` AND e164 IN (SELECT e164 FROM phone_number_associations WHERE account_id = ? AND name = ? AND value = ?)`
		args = append(args, c.AccountID, string(f.FilterName), f.FilterValue)
	}
	q += order + ` LIMIT ?`
	args = append(args, f.Limit+1)
	r := reader{s}
	rows, err := r.query(ctx, q, args...)
	if err != nil {
		return nil, "", err
	}
	var out []*chimevoice.PhoneNumber
	for rows.Next() {
		n, err := numbersTable.scan(rows)
		if err != nil {
			rows.Close()
			return nil, "", s.wrap(err, "scan phone number")
		}
		out = append(out, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", s.wrap(err, "list phone numbers")
	}
	next := ""
	if len(out) > f.Limit {
		out = out[:f.Limit]
		last := out[len(out)-1]
		next = last.E164
		if queue {
			next = chimevoice.QueueCursor(last)
		}
	}
	ids := make([]string, len(out))
	for i, n := range out {
		ids[i] = n.E164
	}
	assocs, err := s.associations(ctx, r, c.AccountID, ids)
	if err != nil {
		return nil, "", err
	}
	for _, n := range out {
		n.Associations = assocs[n.E164]
	}
	return out, next, nil
}

// numberState is what deciding a delete needs to know of a number.
type numberState struct {
	status chimevoice.Status
	assocs []chimevoice.Association
}

// states reads status and associations of the account's numbers among e164s,
// locking them for the transaction. Rows are locked in key order, so that
// two batches over the same numbers wait for each other instead of
// deadlocking.
func (s *Store) states(ctx context.Context, tx *Tx, account string, e164s []string) (map[string]*numberState, error) {
	out := make(map[string]*numberState, len(e164s))
	if len(e164s) == 0 {
		return out, nil
	}
	// By primary key, the account checked on the rows read (see
	// associations); locking in E.164 order, as every transaction that
	// locks numbers does, keeps concurrent batches from deadlocking.
	in, arg := s.inList("e164", e164s)
	rows, err := tx.query(ctx, `SELECT e164, account_id, status FROM phone_numbers WHERE `+in+` ORDER BY e164`+s.lockClause(tx), arg)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var e164, acct, status string
		if err := rows.Scan(&e164, &acct, &status); err != nil {
			rows.Close()
			return nil, s.wrap(err, "scan phone number")
		}
		if acct == account {
			out[e164] = &numberState{status: chimevoice.Status(status)}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, s.wrap(err, "read phone numbers")
	}
	// Only Assigned numbers have associations (the store keeps status and
	// associations in step), so most deletes need no second query.
	var assigned []string
	for e164, st := range out {
		if st.status == chimevoice.StatusAssigned {
			assigned = append(assigned, e164)
		}
	}
	assocs, err := s.associations(ctx, tx, account, assigned)
	if err != nil {
		return nil, err
	}
	for e164, a := range assocs {
		if st := out[e164]; st != nil {
			st.assocs = a
		}
	}
	return out, nil
}

// BatchDeletePhoneNumbers implements chimevoice.PhoneNumberService.
func (s *Store) BatchDeletePhoneNumbers(ctx context.Context, c chimevoice.Caller, ids []chimevoice.BatchID) ([]chimevoice.PhoneNumberError, error) {
	if err := chimevoice.CheckBatch("PhoneNumberIds", ids); err != nil {
		return nil, err
	}
	var failed []chimevoice.PhoneNumberError
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		failed = failed[:0]
		valid := make([]string, 0, len(ids))
		for _, id := range ids {
			if id.E164 != "" {
				valid = append(valid, id.E164)
			}
		}
		// Where writers are serialized (SQLite's group commit), one
		// statement queues every number that may be queued, and only when it
		// left some alone is a second look needed, to say why: a number now
		// in the queue is a success whether this request or an earlier one
		// put it there. Where transactions run side by side, the rows are
		// locked first, in E.164 order, as every writer locks numbers: an
		// UPDATE that skips rows it does not change would leave them
		// unlocked and let two batches deadlock.
		n := 0
		var err error
		if s.d.ForUpdate == "" {
			if n, err = s.queueForDeletion(ctx, tx, c.AccountID, valid); err != nil {
				return err
			}
		}
		var states map[string]*numberState
		if n < len(valid) {
			if states, err = s.states(ctx, tx, c.AccountID, valid); err != nil {
				return err
			}
		}
		var late []string
		for _, id := range ids {
			switch st := states[id.E164]; {
			case id.E164 == "":
				failed = append(failed, chimevoice.PhoneNumberError{PhoneNumberID: id.Raw, Code: chimevoice.CodeBadRequest, Message: "The phone number ID is not a valid E.164 number."})
			case states == nil:
			case st == nil:
				failed = append(failed, chimevoice.PhoneNumberError{PhoneNumberID: id.Raw, Code: chimevoice.CodeNotFound, Message: "The phone number was not found."})
			default:
				if code, msg := chimevoice.DeleteRefusal(st.status, st.assocs); code != "" {
					failed = append(failed, chimevoice.PhoneNumberError{PhoneNumberID: id.Raw, Code: code, Message: msg})
				} else if st.status == chimevoice.StatusUnassigned {
					late = append(late, id.E164) // locked by states: queued now
				}
			}
		}
		if m, err := s.queueForDeletion(ctx, tx, c.AccountID, late); err != nil || m != len(late) {
			return errors.Join(err, fmt.Errorf("delete: queued %d of %d locked numbers", m, len(late)))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return failed, nil
}

// queueForDeletion moves the account's Unassigned numbers among e164s into
// the Deletion queue and returns how many it moved.
func (s *Store) queueForDeletion(ctx context.Context, tx *Tx, account string, e164s []string) (int, error) {
	if len(e164s) == 0 {
		return 0, nil
	}
	now := ms(tx.now)
	in, arg := s.inList("e164", e164s)
	// "account_id || ''" keeps the planner on the primary key, whose short
	// keys it probes for each number, rather than on the account's index.
	res, err := tx.exec(ctx, `UPDATE`+s.d.OrFail+` phone_numbers SET status = 'DeleteInProgress', deleted_at = ?, updated_at = ? WHERE account_id || '' = ? AND status = 'Unassigned' AND `+in, now, now, account, arg)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), s.wrap(err, "queue numbers for deletion")
}

// DeletePhoneNumber implements chimevoice.PhoneNumberService.
func (s *Store) DeletePhoneNumber(ctx context.Context, c chimevoice.Caller, id string) error {
	e164, err := chimevoice.ParsePhoneNumberID("PhoneNumberId", id)
	if err != nil {
		return err
	}
	failed, err := s.BatchDeletePhoneNumbers(ctx, c, []chimevoice.BatchID{{Raw: e164, E164: e164}})
	if err != nil || len(failed) == 0 {
		return err
	}
	// The single form answers NotFound as such and every refusal as BadRequest.
	if failed[0].Code == chimevoice.CodeNotFound {
		return notFound(e164)
	}
	return chimevoice.Errorf(chimevoice.CodeBadRequest, "%s", failed[0].Message)
}

// checkQuota refuses adding n numbers to the account when that would pass
// the per-account limit. Numbers in the Deletion queue do not count.
func (s *Store) checkQuota(ctx context.Context, tx *Tx, account string, n int) error {
	limit := s.cfg.MaxPhoneNumbers
	if limit <= 0 {
		return nil
	}
	if s.d.XactLock != "" {
		// Two transactions counting at once would both see room for one more.
		if _, err := tx.exec(ctx, s.d.XactLock, "quota:"+account); err != nil {
			return err
		}
	}
	var count int
	if err := tx.queryRow(ctx, `SELECT COUNT(*) FROM phone_numbers WHERE account_id = ? AND status <> 'DeleteInProgress'`, account).Scan(&count); err != nil {
		return s.wrap(err, "count phone numbers")
	}
	if count+n > limit {
		return chimevoice.Errorf(chimevoice.CodeResourceLimitExceeded, "The account has %d phone numbers; adding %d would exceed the limit of %d.", count, n, limit)
	}
	return nil
}

// RestorePhoneNumber implements chimevoice.PhoneNumberService.
func (s *Store) RestorePhoneNumber(ctx context.Context, c chimevoice.Caller, id string) (*chimevoice.PhoneNumber, error) {
	e164, err := chimevoice.ParsePhoneNumberID("PhoneNumberId", id)
	if err != nil {
		return nil, err
	}
	var out *chimevoice.PhoneNumber
	err = s.write(ctx, func(ctx context.Context, tx *Tx) error {
		n, err := s.getNumber(ctx, tx, c.AccountID, e164)
		if err != nil {
			return err
		}
		if n.Status != chimevoice.StatusDeleteInProgress {
			return chimevoice.Errorf(chimevoice.CodeBadRequest, "The phone number %s is not in the Deletion queue (status %s).", e164, n.Status)
		}
		if err := s.checkQuota(ctx, tx, c.AccountID, 1); err != nil {
			return err
		}
		status := chimevoice.StatusFor(len(n.Associations))
		if _, err := tx.exec(ctx, `UPDATE phone_numbers SET status = ?, deleted_at = NULL, updated_at = ? WHERE e164 = ? AND account_id = ?`, string(status), ms(tx.now), e164, c.AccountID); err != nil {
			return err
		}
		n.Status, n.DeletedAt, n.UpdatedAt = status, time.Time{}, tx.now
		out = n
		return nil
	})
	return out, err
}

// UpdatePhoneNumber implements chimevoice.PhoneNumberService.
func (s *Store) UpdatePhoneNumber(ctx context.Context, c chimevoice.Caller, u chimevoice.PhoneNumberUpdate) (*chimevoice.PhoneNumber, error) {
	if err := u.Validate(); err != nil {
		return nil, err
	}
	var out *chimevoice.PhoneNumber
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		n, err := s.getNumber(ctx, tx, c.AccountID, u.E164)
		if err != nil {
			return err
		}
		if err := s.applyUpdate(ctx, tx, n, u); err != nil {
			return err
		}
		out = n
		return nil
	})
	return out, err
}

// applyUpdate checks and writes one update to n, and updates n to match.
func (s *Store) applyUpdate(ctx context.Context, tx *Tx, n *chimevoice.PhoneNumber, u chimevoice.PhoneNumberUpdate) error {
	if code, msg := chimevoice.UpdateRefusal(n.Status); code != "" {
		return chimevoice.Errorf(code, "%s", msg)
	}
	now := tx.now
	switch {
	case u.ProductType != nil:
		pt := *u.ProductType
		if pt == n.ProductType {
			break
		}
		if err := chimevoice.CheckBusinessCalling("ProductType", pt, n.Type, n.E164); err != nil {
			return err
		}
		if len(n.Associations) > 0 {
			return chimevoice.Errorf(chimevoice.CodeConflict, "The phone number %s is associated with %s %s; disassociate it before changing its ProductType.", n.E164, n.Associations[0].Name, n.Associations[0].Value)
		}
		if !supported(pt, n.Country, n.Type) {
			return chimevoice.FieldErrorf("ProductType", "a %s %s number cannot have product type %s.", n.Country, n.Type, pt)
		}
		if _, err := tx.exec(ctx, `UPDATE phone_numbers SET product_type = ?, updated_at = ? WHERE e164 = ?`, string(pt), ms(now), n.E164); err != nil {
			return err
		}
		n.ProductType = pt
	case u.CallingName != nil:
		if err := chimevoice.CheckCallingNameUpdate(n); err != nil {
			return err
		}
		status := chimevoice.CallingNameUpdateInProgress
		if _, err := tx.exec(ctx, `UPDATE phone_numbers SET calling_name = ?, calling_name_status = ?, calling_name_requested_at = ?, updated_at = ? WHERE e164 = ?`, *u.CallingName, string(status), ms(now), ms(now), n.E164); err != nil {
			return err
		}
		n.CallingName, n.CallingNameStatus = *u.CallingName, status
	case u.Name != nil:
		if _, err := tx.exec(ctx, `UPDATE phone_numbers SET name = ?, updated_at = ? WHERE e164 = ?`, *u.Name, ms(now), n.E164); err != nil {
			return err
		}
		n.Name = *u.Name
	}
	n.UpdatedAt = now
	return nil
}

// BatchUpdatePhoneNumbers implements chimevoice.PhoneNumberService.
func (s *Store) BatchUpdatePhoneNumbers(ctx context.Context, c chimevoice.Caller, us []chimevoice.PhoneNumberUpdate) ([]chimevoice.PhoneNumberError, error) {
	if err := chimevoice.CheckUpdateBatch(us); err != nil {
		return nil, err
	}
	var failed []chimevoice.PhoneNumberError
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		failed = failed[:0]
		for _, u := range us {
			if u.E164 == "" {
				failed = append(failed, chimevoice.PhoneNumberError{PhoneNumberID: u.Raw, Code: chimevoice.CodeBadRequest, Message: "The phone number ID is not a valid E.164 number."})
				continue
			}
			if err := u.Validate(); err != nil {
				failed = append(failed, chimevoice.PhoneNumberError{PhoneNumberID: u.Raw, Code: chimevoice.CodeBadRequest, Message: chimevoice.ErrorMessage(err)})
				continue
			}
			n, err := s.getNumber(ctx, tx, c.AccountID, u.E164)
			if err == nil {
				err = s.applyUpdate(ctx, tx, n, u)
			}
			var ce *chimevoice.Error
			if errors.As(err, &ce) && ce.Code != chimevoice.CodeServiceUnavailable {
				failed = append(failed, chimevoice.PhoneNumberError{PhoneNumberID: u.Raw, Code: ce.Code, Message: ce.Message})
				continue
			}
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return failed, nil
}

// GetPhoneNumberSettings implements chimevoice.PhoneNumberService.
func (s *Store) GetPhoneNumberSettings(ctx context.Context, c chimevoice.Caller) (*chimevoice.PhoneNumberSettings, error) {
	var name string
	var at int64
	err := reader{s}.queryRow(ctx, `SELECT calling_name, updated_at FROM phone_number_settings WHERE account_id = ?`, c.AccountID).Scan(&name, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return &chimevoice.PhoneNumberSettings{}, nil
	}
	if err != nil {
		return nil, s.wrap(err, "get phone number settings")
	}
	return &chimevoice.PhoneNumberSettings{CallingName: name, CallingNameUpdatedAt: fromMS(at)}, nil
}

// UpdatePhoneNumberSettings implements chimevoice.PhoneNumberService.
func (s *Store) UpdatePhoneNumberSettings(ctx context.Context, c chimevoice.Caller, callingName string) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		cur := &chimevoice.PhoneNumberSettings{}
		var at int64
		err := tx.queryRow(ctx, `SELECT calling_name, updated_at FROM phone_number_settings WHERE account_id = ?`+s.d.ForUpdate, c.AccountID).Scan(&cur.CallingName, &at)
		switch {
		case err == nil:
			cur.CallingNameUpdatedAt = fromMS(at)
		case !errors.Is(err, sql.ErrNoRows):
			return s.wrap(err, "read phone number settings")
		}
		if err := chimevoice.CheckDefaultCallingNameChange(cur, callingName, tx.now); err != nil {
			return err
		}
		if cur.CallingName == callingName && !cur.CallingNameUpdatedAt.IsZero() {
			return nil // unchanged: the seven days keep running from the last change
		}
		_, err = tx.exec(ctx, `INSERT INTO phone_number_settings (account_id, calling_name, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (account_id) DO UPDATE SET calling_name = excluded.calling_name, updated_at = excluded.updated_at`,
			c.AccountID, callingName, ms(tx.now))
		return err
	})
}
