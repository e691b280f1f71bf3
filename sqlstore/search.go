package sqlstore

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/pool"
)

// maxScanned bounds how many synthetic candidates one search looks at, so a
// search in an area whose numbers are nearly all owned still answers fast
// (with a NextToken to continue).
const maxScanned = 20000

// maxChunk is the most candidates one inventory query checks.
const maxChunk = 1000

// SearchAvailablePhoneNumbers implements chimevoice.OrderService. It draws
// from the imported pool when there is one, else from the synthetic pool,
// and never returns a number that is in any account's inventory, order or
// Deletion queue.
func (s *Store) SearchAvailablePhoneNumbers(ctx context.Context, c chimevoice.Caller, r chimevoice.SearchRequest) ([]string, string, error) {
	q := pool.Query{Country: r.Country, AreaCode: r.AreaCode, City: r.City, State: r.State, TollFreePrefix: r.TollFreePrefix, PhoneNumberType: r.PhoneNumberType}
	if r.Limit <= 0 {
		r.Limit = 100
	}
	rd := reader{s}
	imported, err := s.poolImported(ctx, rd)
	if err != nil {
		return nil, "", err
	}
	if imported {
		// The carrier's file, not libphonenumber, says which areas exist.
		if err := q.CheckShape(); err != nil {
			return nil, "", err
		}
		return s.searchImported(ctx, q, r)
	}
	if err := q.Check(); err != nil {
		return nil, "", err
	}
	var cursor uint64
	if r.NextToken != "" {
		v, ok := decodeSearchToken(r.NextToken)
		if !ok {
			return nil, "", chimevoice.FieldErrorf("NextToken", "the token is not valid.")
		}
		cursor = v
	}
	// Candidates are checked against the inventory a chunk at a time; in an
	// area where most numbers are taken the chunks grow, so that finding a
	// few free numbers among thousands takes a few queries, not hundreds.
	// The first chunk is the page and an eighth: where most numbers are
	// free (the common case) one query answers, and checks few candidates
	// that the page then leaves out (each check is an index lookup).
	chunk := max(r.Limit+r.Limit/8, 64)
	var out []string
	scanned := 0
	next := cursor
	for len(out) < r.Limit && scanned < maxScanned {
		if scanned > 0 {
			chunk = min(chunk*2, maxChunk)
		}
		var cands []string
		var nexts []uint64
		if err := s.cfg.Pool.Scan(q, next, func(e164 string, after uint64) bool {
			cands = append(cands, e164)
			nexts = append(nexts, after)
			return len(cands) < chunk
		}); err != nil {
			return nil, "", err
		}
		if len(cands) == 0 {
			return out, "", nil // the sequence ended
		}
		scanned += len(cands)
		taken, err := s.taken(ctx, rd, cands)
		if err != nil {
			return nil, "", err
		}
		for i, e164 := range cands {
			next = nexts[i]
			if taken[e164] {
				continue
			}
			out = append(out, e164)
			if len(out) == r.Limit {
				break
			}
		}
		if len(cands) < chunk && len(out) < r.Limit {
			return out, "", nil
		}
	}
	return out, encodeSearchToken(next), nil
}

// taken returns which of the numbers are owned by any account.
func (s *Store) taken(ctx context.Context, q querier, e164s []string) (map[string]bool, error) {
	in, arg := s.inList("e164", e164s)
	rows, err := q.query(ctx, `SELECT e164 FROM phone_numbers WHERE `+in, arg)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var e164 string
		if err := rows.Scan(&e164); err != nil {
			return nil, s.wrap(err, "scan owned numbers")
		}
		out[e164] = true
	}
	return out, s.wrap(rows.Err(), "read owned numbers")
}

func (s *Store) searchImported(ctx context.Context, q pool.Query, r chimevoice.SearchRequest) ([]string, string, error) {
	after := ""
	if r.NextToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(r.NextToken)
		v, ok := strings.CutPrefix(string(b), "p1:")
		if err != nil || !ok {
			return nil, "", chimevoice.FieldErrorf("NextToken", "the token is not valid.")
		}
		after = v
	}
	country := q.Country
	if country == "" {
		country = "US"
	}
	sqlq := `SELECT p.e164 FROM pool_numbers p WHERE p.country = ? AND p.e164 > ? AND NOT EXISTS (SELECT 1 FROM phone_numbers n WHERE n.e164 = p.e164)`
	args := []any{country, after}
	typ := q.PhoneNumberType
	prefix := ""
	switch {
	case q.TollFreePrefix != "":
		typ, prefix = string(chimevoice.NumberTollFree), "+1"+q.TollFreePrefix
	case q.AreaCode != "":
		prefix = "+1" + q.AreaCode
	}
	if typ != "" {
		sqlq += ` AND p.number_type = ?`
		args = append(args, typ)
	}
	if prefix != "" {
		// A range on the key rather than LIKE: uses the primary key index on both databases.
		sqlq += ` AND p.e164 >= ? AND p.e164 < ?`
		args = append(args, prefix, prefix+":")
	}
	if q.State != "" {
		sqlq += ` AND p.state = ?` // US states are stored upper case
		args = append(args, strings.ToUpper(q.State))
	}
	if q.City != "" {
		sqlq += ` AND UPPER(p.city) = UPPER(?)`
		args = append(args, q.City)
	}
	sqlq += ` ORDER BY p.e164 LIMIT ?`
	args = append(args, r.Limit+1)
	rows, err := reader{s}.query(ctx, sqlq, args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e164 string
		if err := rows.Scan(&e164); err != nil {
			return nil, "", s.wrap(err, "scan pool")
		}
		out = append(out, e164)
	}
	if err := rows.Err(); err != nil {
		return nil, "", s.wrap(err, "search pool")
	}
	token := ""
	if len(out) > r.Limit {
		out = out[:r.Limit]
		token = base64.RawURLEncoding.EncodeToString([]byte("p1:" + out[len(out)-1]))
	}
	return out, token, nil
}

func encodeSearchToken(cursor uint64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("s1:" + strconv.FormatUint(cursor, 10)))
}

func decodeSearchToken(tok string) (uint64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		return 0, false
	}
	v, ok := strings.CutPrefix(string(b), "s1:")
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, 64)
	return n, err == nil
}

// SupportedCountries implements chimevoice.OrderService: the countries of
// the imported pool when there is one, else those the synthetic pool serves.
func (s *Store) SupportedCountries(ctx context.Context, c chimevoice.Caller, pt chimevoice.ProductType) ([]chimevoice.Country, error) {
	rd := reader{s}
	imported, err := s.poolImported(ctx, rd)
	if err != nil {
		return nil, err
	}
	var out []chimevoice.Country
	if !imported {
		for _, ct := range pool.Countries(string(pt)) {
			cc := chimevoice.Country{Code: ct.Code}
			for _, t := range ct.Types {
				cc.Types = append(cc.Types, chimevoice.NumberType(t))
			}
			out = append(out, cc)
		}
		return out, nil
	}
	rows, err := rd.query(ctx, `SELECT DISTINCT country, number_type FROM pool_numbers ORDER BY country, number_type`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var country, typ string
		if err := rows.Scan(&country, &typ); err != nil {
			return nil, s.wrap(err, "scan pool countries")
		}
		if !supportedIn(pt, pool.Info{Country: country, Type: typ}, true) {
			continue
		}
		if len(out) == 0 || out[len(out)-1].Code != country {
			out = append(out, chimevoice.Country{Code: country})
		}
		last := &out[len(out)-1]
		last.Types = append(last.Types, chimevoice.NumberType(typ))
	}
	return out, s.wrap(rows.Err(), "read pool countries")
}
