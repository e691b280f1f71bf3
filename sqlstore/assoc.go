package sqlstore

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/chimevoice/chimevoice"
)

// This file holds what the association resources (Voice Connectors,
// groups, SIP media applications and rules, legacy accounts and users)
// share: IDs, keyset pages, number locks and association writes.

type scanner interface{ Scan(...any) error }

// idAlphabet is what Voice Connector IDs are made of.
const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// newVoiceConnectorID returns 22 random lowercase letters and digits, the
// shape of AWS's Voice Connector IDs.
func newVoiceConnectorID() string {
	b := make([]byte, 22)
	rand.Read(b) // never fails (crypto/rand panics rather)
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return string(b)
}

// page is a decoded keyset page: rows after (afterAt, afterID) in
// (created_at, id) order.
type page struct {
	afterAt int64
	afterID string
	limit   int
}

// maxPage is the default page size of the association lists.
const maxPage = 100

// decodePage decodes p; kind keeps one list's tokens out of another.
func decodePage(kind string, p chimevoice.Page) (page, error) {
	pg := page{afterAt: -1, limit: p.Limit}
	if pg.limit <= 0 {
		pg.limit = maxPage
	}
	if p.NextToken == "" {
		return pg, nil
	}
	bad := chimevoice.FieldErrorf("NextToken", "the token is not valid.")
	b, err := base64.RawURLEncoding.DecodeString(p.NextToken)
	if err != nil {
		return pg, bad
	}
	rest, ok := strings.CutPrefix(string(b), kind+":")
	if !ok {
		return pg, bad
	}
	atStr, id, ok := strings.Cut(rest, ":")
	at, err := strconv.ParseInt(atStr, 10, 64)
	if !ok || err != nil {
		return pg, bad
	}
	pg.afterAt, pg.afterID = at, id
	return pg, nil
}

func encodePage(kind string, at time.Time, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + strconv.FormatInt(ms(at), 10) + ":" + id))
}

// listPage runs query (a SELECT whose WHERE clause the keyset condition
// extends; its table has created_at and id) for one page and returns the
// rows and the next token.
func listPage[T any](ctx context.Context, s *Store, kind string, p chimevoice.Page, query string, args []any,
	scan func(scanner) (T, error), key func(T) (time.Time, string)) ([]T, string, error) {
	pg, err := decodePage(kind, p)
	if err != nil {
		return nil, "", err
	}
	query += ` AND (created_at > ? OR (created_at = ? AND id > ?)) ORDER BY created_at, id LIMIT ?`
	args = append(args, pg.afterAt, pg.afterAt, pg.afterID, pg.limit+1)
	out, err := collect(ctx, s, reader{s}, kind, scan, query, args...)
	if err != nil {
		return nil, "", err
	}
	next := ""
	if len(out) > pg.limit {
		out = out[:pg.limit]
		at, id := key(out[len(out)-1])
		next = encodePage(kind, at, id)
	}
	return out, next, nil
}

// collect runs a query and scans every row.
func collect[T any](ctx context.Context, s *Store, q querier, what string, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, s.wrap(err, "scan "+what)
		}
		out = append(out, v)
	}
	return out, s.wrap(rows.Err(), "read "+what)
}

// exists reports whether query returns a row.
func (s *Store) exists(ctx context.Context, q querier, what, query string, args ...any) (bool, error) {
	ids, err := collect(ctx, s, q, what, func(sc scanner) (int, error) {
		var one int
		return one, sc.Scan(&one)
	}, query+` LIMIT 1`, args...)
	return len(ids) > 0, err
}

// lockedNumber is what associating needs to know of a number.
type lockedNumber struct {
	status  chimevoice.Status
	product chimevoice.ProductType
	assocs  []chimevoice.Association
}

// lockNumbers reads the account's numbers among e164s with their
// associations, locking the rows (in E.164 order, so that concurrent
// callers cannot deadlock) until the transaction ends. A delete of these
// numbers waits for the lock and then sees the associations written here.
func (s *Store) lockNumbers(ctx context.Context, tx *Tx, account string, e164s []string) (map[string]*lockedNumber, error) {
	out := make(map[string]*lockedNumber, len(e164s))
	if len(e164s) == 0 {
		return out, nil
	}
	type row struct {
		e164 string
		n    lockedNumber
	}
	rows, err := collect(ctx, s, tx, "phone numbers", func(sc scanner) (row, error) {
		var r row
		var status, product string
		err := sc.Scan(&r.e164, &status, &product)
		r.n.status, r.n.product = chimevoice.Status(status), chimevoice.ProductType(product)
		return r, err
	}, `SELECT e164, status, product_type FROM phone_numbers WHERE account_id = ? AND `+s.d.InList("e164")+` ORDER BY e164`+s.lockClause(tx), account, s.d.ListArg(e164s))
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		n := r.n
		out[r.e164] = &n
	}
	assocs, err := s.associations(ctx, tx, account, e164s)
	if err != nil {
		return nil, err
	}
	for e164, a := range assocs {
		if n := out[e164]; n != nil {
			n.assocs = a
		}
	}
	return out, nil
}

// addAssociation records that the numbers are associated by a, at the
// transaction's time. The numbers must be locked and free of a.Name.
func (s *Store) addAssociation(ctx context.Context, tx *Tx, account string, e164s []string, a chimevoice.Association) error {
	for _, e164 := range e164s {
		if _, err := tx.exec(ctx, `INSERT INTO phone_number_associations (e164, account_id, name, value, associated_at) VALUES (?, ?, ?, ?, ?)`,
			e164, account, string(a.Name), a.Value, ms(tx.now)); err != nil {
			return err
		}
	}
	return nil
}

// removeAssociations removes the numbers' associations of the given names.
func (s *Store) removeAssociations(ctx context.Context, tx *Tx, account string, e164s []string, names ...chimevoice.AssociationName) error {
	if len(e164s) == 0 {
		return nil
	}
	for _, n := range names {
		if _, err := tx.exec(ctx, `DELETE FROM phone_number_associations WHERE account_id = ? AND name = ? AND `+s.d.InList("e164"),
			account, string(n), s.d.ListArg(e164s)); err != nil {
			return err
		}
	}
	return nil
}

// refreshStatus sets each number in inventory among e164s to Assigned or
// Unassigned (chimevoice.StatusFor) by the associations it now has, in the
// same transaction as the change of associations.
func (s *Store) refreshStatus(ctx context.Context, tx *Tx, account string, e164s []string) error {
	if len(e164s) == 0 {
		return nil
	}
	type count struct {
		e164 string
		n    int
	}
	counts, err := collect(ctx, s, tx, "association counts", func(sc scanner) (count, error) {
		var c count
		return c, sc.Scan(&c.e164, &c.n)
	}, `SELECT e164, COUNT(*) FROM phone_number_associations WHERE account_id = ? AND `+s.d.InList("e164")+` GROUP BY e164`, account, s.d.ListArg(e164s))
	if err != nil {
		return err
	}
	n := make(map[string]int, len(counts))
	for _, c := range counts {
		n[c.e164] = c.n
	}
	by := map[chimevoice.Status][]string{}
	for _, e164 := range e164s {
		st := chimevoice.StatusFor(n[e164])
		by[st] = append(by[st], e164)
	}
	for st, list := range by {
		if _, err := tx.exec(ctx, `UPDATE phone_numbers SET status = ?, updated_at = ? WHERE account_id = ? AND status IN ('Assigned', 'Unassigned') AND `+s.d.InList("e164"),
			string(st), ms(tx.now), account, s.d.ListArg(list)); err != nil {
			return err
		}
	}
	return nil
}

// countAssociated counts the account's numbers associated by (name, value).
func (s *Store) countAssociated(ctx context.Context, q querier, account string, name chimevoice.AssociationName, value string) (int, error) {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM phone_number_associations WHERE account_id = ? AND name = ? AND value = ?`, account, string(name), value).Scan(&n)
	return n, s.wrap(err, "count associations")
}

// lockRow checks that table has the row id of the account, or reports
// notFound; inside a write transaction it locks the row. It is how a
// change that depends on a resource existing keeps a concurrent delete of
// it waiting until the change commits.
func (s *Store) lockRow(ctx context.Context, q querier, table, account, id string, notFound error) error {
	var got string
	err := q.queryRow(ctx, `SELECT id FROM `+table+` WHERE id = ? AND account_id = ?`+s.lockClause(q), id, account).Scan(&got)
	if err != nil {
		if isNoRows(err) {
			return notFound
		}
		return s.wrap(err, "lock "+table)
	}
	return nil
}

// region is the region of ARNs created for c: the SigV4 scope's region.
func region(c chimevoice.Caller) string {
	if c.Region == "" {
		return "us-east-1"
	}
	return c.Region
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
