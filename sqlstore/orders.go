package sqlstore

import (
	"context"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/google/uuid"
	"golang.org/x/sync/errgroup"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/pool"
)

func supported(pt chimevoice.ProductType, country string, typ chimevoice.NumberType) bool {
	return pool.Supported(string(pt), pool.Info{Country: country, Type: string(typ)})
}

// CreatePhoneNumberOrder implements chimevoice.OrderService.
//
// Each number that is free and valid for the product type is reserved at
// once (inserted as AcquireInProgress, owned by the account), so no other
// order or account can take it; the others fail when the order completes.
func (s *Store) CreatePhoneNumberOrder(ctx context.Context, c chimevoice.Caller, r chimevoice.OrderRequest) (*chimevoice.Order, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	nums := r.Numbers()
	var out *chimevoice.Order
	id := uuid.NewString()
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		if err := s.checkQuota(ctx, tx, c.AccountID, len(nums)); err != nil {
			return err
		}
		imported, err := s.poolImported(ctx, tx)
		if err != nil {
			return err
		}
		if r.ProductType == chimevoice.ProductBusinessCalling {
			for i, e164 := range r.E164s {
				info, ok, err := s.classify(ctx, tx, e164, imported)
				if err != nil {
					return err
				}
				if ok {
					if err := chimevoice.CheckBusinessCalling(fmt.Sprintf("E164PhoneNumbers[%d]", i), r.ProductType, chimevoice.NumberType(info.Type), e164); err != nil {
						return err
					}
				}
			}
		}
		now := ms(tx.now)
		if _, err := tx.exec(ctx, `INSERT INTO phone_number_orders (id, account_id, product_type, status, order_type, name, created_at, updated_at, due_at) VALUES (?, ?, ?, 'Processing', 'New', ?, ?, ?, ?)`,
			id, c.AccountID, string(r.ProductType), r.Name, now, now, ms(tx.now.Add(s.cfg.OrderLatency))); err != nil {
			return err
		}
		o := &chimevoice.Order{ID: id, AccountID: c.AccountID, ProductType: r.ProductType, Status: chimevoice.OrderProcessing, OrderType: "New", Name: r.Name, CreatedAt: tx.now, UpdatedAt: tx.now}
		items := make([][]any, 0, len(nums))
		reserve := make([][]any, 0, len(nums))
		for i, e164 := range nums {
			items = append(items, []any{id, i, e164})
			o.Numbers = append(o.Numbers, chimevoice.OrderedNumber{E164: e164, Status: chimevoice.OrderedProcessing})
		}
		// Reserve in key order: two orders of overlapping numbers then wait
		// for each other instead of deadlocking (which PostgreSQL detects
		// only after deadlock_timeout, a second).
		for _, e164 := range slices.Sorted(slices.Values(nums)) {
			info, ok, err := s.classify(ctx, tx, e164, imported)
			if err != nil {
				return err
			}
			if ok && supportedIn(r.ProductType, info, imported) {
				reserve = append(reserve, []any{e164, info.Country, info.Type})
			}
		}
		if err := s.insertRows(ctx, tx, `INSERT INTO phone_number_order_items (order_id, position, e164, status) VALUES `, `(?, ?, ?, 'Processing')`, ``, items); err != nil {
			return err
		}
		if err := s.reserveNumbers(ctx, tx, []any{c.AccountID, string(r.ProductType), r.Name, id, now, now}, reserve); err != nil {
			return err
		}
		out = o
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.Wake()
	return out, nil
}

// reserveNumbers inserts the numbers of an order as AcquireInProgress, those
// not already in an inventory, rowsPerInsert at a time. A row carries only
// what differs from number to number (e164, country, type); what all share
// (account, product type, name, order, times, in that order in shared) is
// bound once per statement: a third of the parameters of a row per number.
func (s *Store) reserveNumbers(ctx context.Context, tx *Tx, shared []any, rows [][]any) error {
	// WHERE true: without it SQLite would read ON CONFLICT as a join's ON.
	return s.insertRowsShared(ctx, tx, rowsPerInsert,
		`INSERT INTO phone_numbers (e164, account_id, country, number_type, product_type, status, name, order_id, created_at, updated_at) `+
			`SELECT v.column1, ?, v.column2, v.column3, ?, 'AcquireInProgress', ?, ?, CAST(? AS BIGINT), CAST(? AS BIGINT) FROM (VALUES `,
		shared, `(?, ?, ?)`, `) AS v WHERE true ON CONFLICT (e164) DO NOTHING`, rows)
}

// classify describes a number for ordering: from the imported pool when
// there is one (a number outside it cannot be ordered), else from
// libphonenumber.
func (s *Store) classify(ctx context.Context, q querier, e164 string, imported bool) (pool.Info, bool, error) {
	if !imported {
		info, ok := pool.Classify(e164)
		return info, ok, nil
	}
	var info pool.Info
	err := q.queryRow(ctx, `SELECT country, number_type FROM pool_numbers WHERE e164 = ?`, e164).Scan(&info.Country, &info.Type)
	if errors.Is(err, sql.ErrNoRows) {
		return info, false, nil
	}
	if err != nil {
		return info, false, s.wrap(err, "read pool")
	}
	return info, true, nil
}

func (s *Store) poolImported(ctx context.Context, q querier) (bool, error) {
	var one int
	err := q.queryRow(ctx, `SELECT 1 FROM pool_numbers LIMIT 1`).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, s.wrap(err, "read pool")
	}
	return true, nil
}

// orderItems fills the numbers of the given orders.
func (s *Store) orderItems(ctx context.Context, q querier, orders []*chimevoice.Order) error {
	return fill(ctx, s, q, "order items", orders, func(o *chimevoice.Order) string { return o.ID },
		`SELECT order_id, e164, status FROM phone_number_order_items WHERE %s ORDER BY order_id, position`, "order_id", nil,
		func(n *chimevoice.OrderedNumber) []any { return []any{&n.E164, &n.Status} },
		func(o *chimevoice.Order, n chimevoice.OrderedNumber) { o.Numbers = append(o.Numbers, n) })
}

// GetPhoneNumberOrder implements chimevoice.OrderService.
func (s *Store) GetPhoneNumberOrder(ctx context.Context, c chimevoice.Caller, id string) (*chimevoice.Order, error) {
	r := reader{s}
	o, err := get(ctx, s, r, ordersTable, c.AccountID, strings.ToLower(id))
	if err != nil {
		return nil, err
	}
	if err := s.orderItems(ctx, r, []*chimevoice.Order{o}); err != nil {
		return nil, err
	}
	return o, nil
}

// ListPhoneNumberOrders implements chimevoice.OrderService. Orders are
// listed oldest first; the token is the last (created, id) key returned.
func (s *Store) ListPhoneNumberOrders(ctx context.Context, c chimevoice.Caller, limit int, next string) ([]*chimevoice.Order, string, error) {
	if limit <= 0 {
		limit = 100
	}
	var afterAt int64 = -1
	afterID := ""
	if next != "" {
		at, id, ok := decodeOrderToken(next)
		if !ok {
			return nil, "", chimevoice.FieldErrorf("NextToken", "the token is not valid.")
		}
		afterAt, afterID = at, id
	}
	r := reader{s}
	rows, err := r.query(ctx, ordersTable.selectFrom()+` WHERE account_id = ? AND (created_at > ? OR (created_at = ? AND id > ?)) ORDER BY created_at, id LIMIT ?`,
		c.AccountID, afterAt, afterAt, afterID, limit+1)
	if err != nil {
		return nil, "", err
	}
	var out []*chimevoice.Order
	for rows.Next() {
		o, err := ordersTable.scan(rows)
		if err != nil {
			rows.Close()
			return nil, "", s.wrap(err, "scan order")
		}
		out = append(out, o)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, "", s.wrap(err, "list orders")
	}
	token := ""
	if len(out) > limit {
		out = out[:limit]
		last := out[len(out)-1]
		token = encodeOrderToken(ms(last.CreatedAt), last.ID)
	}
	if err := s.orderItems(ctx, r, out); err != nil {
		return nil, "", err
	}
	return out, token, nil
}

func encodeOrderToken(at int64, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("o1:" + strconv.FormatInt(at, 10) + ":" + id))
}

func decodeOrderToken(tok string) (int64, string, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, "", false
	}
	rest, ok := strings.CutPrefix(string(b), "o1:")
	if !ok {
		return 0, "", false
	}
	atStr, id, ok := strings.Cut(rest, ":")
	at, err := strconv.ParseInt(atStr, 10, 64)
	if !ok || err != nil {
		return 0, "", false
	}
	return at, id, true
}

// completeOrders completes every Processing order that is due, each in its
// own transaction. The conditional claim (status still Processing) makes
// each order complete exactly once when several replicas run this.
func (s *Store) completeOrders(ctx context.Context) (int, error) {
	done := 0
	for {
		now, err := s.currentNow(ctx)
		if err != nil {
			return done, err
		}
		rows, err := reader{s}.query(ctx, `SELECT id FROM phone_number_orders WHERE status = 'Processing' AND due_at <= ? ORDER BY due_at LIMIT 100`, ms(now))
		if err != nil {
			return done, err
		}
		var ids []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return done, s.wrap(err, "scan due orders")
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return done, s.wrap(err, "read due orders")
		}
		n, err := s.completeAll(ctx, ids)
		done += n
		if err != nil {
			return done, err
		}
		if len(ids) < 100 {
			return done, nil
		}
	}
}

// completeConcurrency is how many orders' completions are queued for the
// writer at once. Each is still its own transaction, but queued together
// they are committed in one group (SQLite) instead of one commit and one
// WAL sync after the other.
const completeConcurrency = 8

// completeAll completes the given orders, each in its own transaction, up to
// completeConcurrency at a time, and returns how many it completed and the
// first error.
func (s *Store) completeAll(ctx context.Context, ids []string) (int, error) {
	var done atomic.Int64
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(completeConcurrency)
	for _, id := range ids {
		if gctx.Err() != nil {
			break // one failed: start no more (those running finish)
		}
		g.Go(func() error {
			var outcome chimevoice.OrderStatus
			if err := s.write(ctx, func(ctx context.Context, tx *Tx) (err error) {
				outcome, err = s.completeOrder(ctx, tx, id)
				return err
			}); err != nil {
				return fmt.Errorf("complete order %s: %w", id, err)
			}
			s.stats.orderCompleted(outcome) // "" when another replica completed it
			done.Add(1)
			return nil
		})
	}
	err := g.Wait()
	return int(done.Load()), err
}

// completeOrder completes one due order and returns its outcome ("" when
// it was no longer Processing).
func (s *Store) completeOrder(ctx context.Context, tx *Tx, id string) (chimevoice.OrderStatus, error) {
	now := ms(tx.now)
	// Re-check due_at too: the order was found due by a read that another
	// replica's clock may not share.
	res, err := tx.exec(ctx, `UPDATE phone_number_orders SET status = 'Completing', updated_at = ? WHERE id = ? AND status = 'Processing' AND due_at <= ?`, now, id, now)
	if err != nil {
		return "", err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return "", s.wrap(err, "claim order") // another replica has it
	}
	// The reserved numbers are found through the order's items (by key),
	// each by its primary key: no index of numbers by order to maintain.
	// The numbers that were still reserved for the order are acquired, and
	// their items with them; every other item failed.
	rows, err := tx.query(ctx, `UPDATE phone_numbers SET status = 'Unassigned', updated_at = ? WHERE e164 IN (SELECT e164 FROM phone_number_order_items WHERE order_id = ?) AND order_id = ? AND status = 'AcquireInProgress' RETURNING e164`, now, id, id)
	if err != nil {
		return "", err
	}
	var got []string
	for rows.Next() {
		var e164 string
		if err := rows.Scan(&e164); err != nil {
			rows.Close()
			return "", s.wrap(err, "scan acquired numbers")
		}
		got = append(got, e164)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return "", s.wrap(err, "acquire numbers")
	}
	// Every item Acquired (the common case: one pass over the order's items,
	// no lookup per item), then those whose number was not acquired Failed.
	res, err = tx.exec(ctx, `UPDATE phone_number_order_items SET status = 'Acquired' WHERE order_id = ?`, id)
	if err != nil {
		return "", err
	}
	total64, err := res.RowsAffected()
	if err != nil {
		return "", s.wrap(err, "complete order items")
	}
	total, acquired := int(total64), int(total64)
	if len(got) < total {
		q, args := `UPDATE phone_number_order_items SET status = 'Failed' WHERE order_id = ?`, []any{id}
		if len(got) > 0 {
			in, arg := s.inList("e164", got)
			q, args = q+` AND NOT (`+in+`)`, append(args, arg)
		}
		res, err := tx.exec(ctx, q, args...)
		if err != nil {
			return "", err
		}
		failed, err := res.RowsAffected()
		if err != nil {
			return "", s.wrap(err, "fail order items")
		}
		acquired -= int(failed)
	}
	status := chimevoice.OrderOutcome(total, acquired)
	_, err = tx.exec(ctx, `UPDATE phone_number_orders SET status = ? WHERE id = ?`, string(status), id)
	return status, err
}
