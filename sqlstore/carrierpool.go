package sqlstore

import (
	"context"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/pool"
)

// PoolImport reports a carrier pool import.
type PoolImport struct {
	Rows     int           // data rows read (header and comments excluded)
	Imported int           // rows written: numbers added, or updated when already in the pool
	Skipped  int           // rows not imported
	Reasons  []SkippedLine // why, in line order; at most MaxSkippedReported
	Duration time.Duration
}

// SkippedLine is a row an import skipped.
type SkippedLine struct {
	Line   int
	Reason string
}

// MaxSkippedReported bounds PoolImport.Reasons, so that importing the wrong
// file does not hold millions of messages.
const MaxSkippedReported = 10000

// PoolProgress is where an import is, reported after each committed batch.
type PoolProgress struct {
	Rows, Imported, Skipped int
	Bytes                   int64 // bytes of the input consumed
}

// PoolImportOptions configure ImportPoolCSV.
type PoolImportOptions struct {
	// Progress, when set, is called after each committed batch.
	Progress func(PoolProgress)
}

// Batch sizes of an import: rows per transaction, and rows per INSERT
// (5,000 parameters: well under SQLite's 32,766 and PostgreSQL's 65,535).
const (
	poolTxRows        = 100000
	poolRowsPerInsert = 1000
)

// poolUpsert makes a re-import update what the carrier's new file says of
// a number it already listed.
const poolUpsert = ` ON CONFLICT (e164) DO UPDATE SET country = excluded.country, number_type = excluded.number_type, city = excluded.city, state = excluded.state`

// ImportPoolCSV imports a carrier's CSV (see pool.CSVReader) into the
// store's pool, from which search and order then draw exclusively. Each row
// is checked on its own (pool.CheckEntry); a bad row, or a number listed
// again further down, is skipped with its reason and never stops the
// import. Rows are written in transactions of poolTxRows, each row whole
// (one tuple of a multi-row INSERT): an interrupted import leaves whole
// rows, which re-running the import completes. A read error or a bad
// header stops it.
func (s *Store) ImportPoolCSV(ctx context.Context, r io.Reader, o PoolImportOptions) (*PoolImport, error) {
	start := time.Now()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cr := &countingReader{r: r}
	rd := pool.NewCSVReader(cr)
	rep := &PoolImport{}
	seen := map[uint64]int32{} // number (its digits) -> line first seen

	// Checking rows (CPU) and writing them (the database) overlap: the
	// writer commits one batch while the next is read.
	type batch struct {
		entries       []pool.Entry
		rows, skipped int // counts when the batch was cut, for progress
		bytes         int64
	}
	batches := make(chan batch, 1)
	var written atomic.Int64
	werr := make(chan error, 1)
	go func() {
		defer close(werr)
		for b := range batches {
			if err := s.insertPool(ctx, b.entries); err != nil {
				werr <- err
				cancel()
				for range batches {
				}
				return
			}
			n := written.Add(int64(len(b.entries)))
			if o.Progress != nil {
				o.Progress(PoolProgress{Rows: b.rows, Imported: int(n), Skipped: b.skipped, Bytes: b.bytes})
			}
		}
	}()
	cur := make([]pool.Entry, 0, poolTxRows)
	skip := func(line int, reason string) {
		rep.Skipped++
		if len(rep.Reasons) < MaxSkippedReported {
			rep.Reasons = append(rep.Reasons, SkippedLine{Line: line, Reason: reason})
		}
	}
	send := func() bool {
		select {
		case batches <- batch{entries: cur, rows: rep.Rows, skipped: rep.Skipped, bytes: cr.n}:
			cur = make([]pool.Entry, 0, poolTxRows)
			return true
		case <-ctx.Done():
			return false
		}
	}
	readErr := func() error {
		for {
			e, line, err := rd.Next()
			if errors.Is(err, io.EOF) {
				return nil
			}
			var re *pool.RowError
			if errors.As(err, &re) {
				rep.Rows++
				skip(re.Line, re.Reason)
				continue
			}
			if err != nil {
				return err
			}
			rep.Rows++
			key, _ := strconv.ParseUint(e.E164[1:], 10, 64) // CheckEntry gave at most 15 digits
			if first, dup := seen[key]; dup {
				skip(line, "number: "+e.E164+" is listed already on line "+strconv.Itoa(int(first)))
				continue
			}
			seen[key] = int32(line)
			cur = append(cur, e)
			if len(cur) == poolTxRows && !send() {
				return nil // the writer failed; its error is reported
			}
		}
	}()
	if readErr == nil && len(cur) > 0 {
		send()
	}
	close(batches)
	err := <-werr
	rep.Imported = int(written.Load())
	if readErr != nil {
		return rep, readErr
	}
	if err == nil {
		err = ctx.Err() // the caller's context ended
	}
	if err == nil && rep.Imported > 0 {
		err = s.analyzePool(ctx)
	}
	rep.Duration = time.Since(start)
	return rep, err
}

// analyzePool refreshes the planner's statistics of the pool. Without
// them SQLite takes the (country, number_type, e164) index for a search
// by country alone and sorts the whole country to find the first numbers
// in order; with them it walks the primary key, which is already in order.
func (s *Store) analyzePool(ctx context.Context) error {
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		_, err := tx.exec(ctx, `ANALYZE pool_numbers`)
		return err
	})
}

// insertPool writes entries in one transaction, in key order: neighbours
// share index pages, so each page is written once per batch.
func (s *Store) insertPool(ctx context.Context, entries []pool.Entry) error {
	slices.SortFunc(entries, func(a, b pool.Entry) int { return strings.Compare(a.E164, b.E164) })
	rows := make([][]any, len(entries))
	for i, e := range entries {
		rows[i] = []any{e.E164, e.Country, e.Type, e.City, e.State}
	}
	return s.write(ctx, func(ctx context.Context, tx *Tx) error {
		return s.insertRowsBy(ctx, tx, poolRowsPerInsert, `INSERT INTO pool_numbers (e164, country, number_type, city, state) VALUES `, `(?, ?, ?, ?, ?)`, poolUpsert, rows)
	})
}

// supportedIn reports whether a number can be ordered for a product type.
// From an imported pool, SipMediaApplicationDialIn takes every country and
// type the carrier's file has ("the countries the pool can serve"); the
// synthetic pool's list of countries is only what it can generate.
// VoiceConnector and BusinessCalling stay US-only either way, as in AWS.
func supportedIn(pt chimevoice.ProductType, info pool.Info, imported bool) bool {
	if imported && pt == chimevoice.ProductSipMediaApplicationDialIn {
		return true
	}
	return pool.Supported(string(pt), info)
}

// ClearPool empties the imported pool, so that search and order draw from
// the synthetic pool again. It returns how many numbers it held.
func (s *Store) ClearPool(ctx context.Context) (int64, error) {
	var n int64
	err := s.write(ctx, func(ctx context.Context, tx *Tx) error {
		res, err := tx.exec(ctx, `DELETE FROM pool_numbers`)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return s.wrap(err, "rows affected")
	})
	return n, err
}

// PoolCount is how many numbers of one country and type the imported pool holds.
type PoolCount struct {
	Country, Type string
	Numbers       int64
}

// PoolCounts summarizes the imported pool by country and type (empty when
// search draws from the synthetic pool).
func (s *Store) PoolCounts(ctx context.Context) ([]PoolCount, error) {
	rows, err := reader{s}.query(ctx, `SELECT country, number_type, COUNT(*) FROM pool_numbers GROUP BY country, number_type ORDER BY country, number_type`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []PoolCount
	for rows.Next() {
		var c PoolCount
		if err := rows.Scan(&c.Country, &c.Type, &c.Numbers); err != nil {
			return nil, s.wrap(err, "scan pool counts")
		}
		out = append(out, c)
	}
	return out, s.wrap(rows.Err(), "count pool")
}

// countingReader counts the bytes read through it, for progress.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
