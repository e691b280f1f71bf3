package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/chimevoice/chimevoice"
	"github.com/chimevoice/chimevoice/pool"
	"github.com/chimevoice/chimevoice/sqlstore"
)

// The operator commands: `pool` manages the imported carrier pool and
// `state` exports, imports and resets whole stores. Both open the store
// named by --data or --database-url through Main.openStore, the one place
// that knows the backends; `state` can also work through a running
// server's admin API (--url), which is the way while that server runs: it
// caches the service clock, which only it should move.

const poolUsage = `Usage:
  chimevoice pool import [--data FILE | --database-url URL] CSV   import a carrier's numbers ("-": stdin)
  chimevoice pool clear  [--data FILE | --database-url URL]       drop the imported pool: back to the synthetic one
  chimevoice pool status [--data FILE | --database-url URL]       count the imported pool by country and type
  chimevoice pool sample [--count N] [--state ST | --area-code NPA | --toll-free]
                                                                  write a CSV of synthetic numbers, for trying imports

CSV columns: number, country, type, city, state (city and state optional; a header row is optional).
`

const stateUsage = `Usage:
  chimevoice state export [--pool] [STORE] [FILE]   write a JSON snapshot (default: stdout)
  chimevoice state import [STORE] FILE              replace the state with a snapshot ("-": stdin)
  chimevoice state reset  [STORE]                   empty every account (the imported pool stays)

STORE is --data FILE, --database-url URL, or --url http://HOST:PORT [--admin-token T] for a running server.
`

// commandFlags parses the flags of an operator command: the store flags,
// those define adds, and CHIMEVOICE_<FLAG> environment values (flags win).
// It returns the configuration and the positional arguments.
func commandFlags(cmd command, args []string, lookup func(string) (string, bool), stdout, stderr io.Writer, define func(fs *flag.FlagSet)) (Config, []string, error) {
	cfg := DefaultConfig()
	cmd.env = true
	fs := newFlagSet(cmd, stderr)
	fs.StringVar(&cfg.Data, "data", cfg.Data, "SQLite database `file`")
	fs.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "postgres://... `URL` to use PostgreSQL instead of SQLite")
	if define != nil {
		define(fs)
	}
	if err := setFromEnv(fs, lookup); err != nil {
		return cfg, nil, asUsage(err)
	}
	if err := parseArgs(fs, args, stdout); err != nil {
		return cfg, nil, err
	}
	return cfg, fs.Args(), asUsage(cfg.validate())
}

// subcommands of pool and state, for their usage texts.
var (
	poolCommands = map[string]command{
		"import": {name: "pool import", synopsis: "[--data FILE | --database-url URL] CSV", about: `Import a carrier's numbers from CSV ("-": stdin).`},
		"clear":  {name: "pool clear", synopsis: "[--data FILE | --database-url URL]", about: "Drop the imported pool: search and order use the synthetic pool again."},
		"status": {name: "pool status", synopsis: "[--data FILE | --database-url URL]", about: "Count the imported pool by country and type."},
		"sample": {name: "pool sample", synopsis: "[--count N] [--state ST | --area-code NPA | --toll-free]", about: "Write a CSV of synthetic numbers, for trying imports."},
	}
	stateCommands = map[string]command{
		"export": {name: "state export", synopsis: "[--pool] [STORE] [FILE]", about: "Write a JSON snapshot (default: stdout). STORE is --data FILE, --database-url URL, or --url http://HOST:PORT [--admin-token T] for a running server."},
		"import": {name: "state import", synopsis: "[STORE] FILE", about: `Replace the state with a snapshot ("-": stdin), validated, all or nothing. STORE is --data FILE, --database-url URL, or --url http://HOST:PORT [--admin-token T].`},
		"reset":  {name: "state reset", synopsis: "[STORE]", about: "Empty every account and set the service clock back to the real clock (the imported pool stays). STORE is --data FILE, --database-url URL, or --url http://HOST:PORT [--admin-token T]."},
	}
)

// isHelp reports whether arg asks for help.
func isHelp(arg string) bool { return arg == "help" || slices.Contains(helpFlags, arg) }

// openCommandStore opens the store of cfg for a command.
func openCommandStore(ctx context.Context, cfg Config, stderr io.Writer) (*sqlstore.Store, io.Closer, error) {
	m := NewMain(cfg)
	m.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	return m.openStore(ctx, sqlstore.Config{Clock: m.Clock, Logger: m.Logger})
}

func poolCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprint(stdout, poolUsage)
		return nil
	}
	sub, args := args[0], args[1:]
	cmd, ok := poolCommands[sub]
	if !ok {
		fmt.Fprint(stderr, poolUsage)
		return usagef("unknown pool command %q", sub)
	}
	if sub == "sample" {
		return poolSample(cmd, args, stdout, stderr)
	}
	cfg, rest, err := commandFlags(cmd, args, os.LookupEnv, stdout, stderr, nil)
	if err != nil {
		return err
	}
	if n := map[string]int{"import": 1}[sub]; len(rest) != n {
		fmt.Fprint(stderr, poolUsage)
		return usagef("pool %s takes %d argument(s), got %d", sub, n, len(rest))
	}
	st, closer, err := openCommandStore(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	err = func() error {
		switch sub {
		case "import":
			return importPoolFile(ctx, st, rest[0], stdout, stderr)
		case "clear":
			n, err := st.ClearPool(ctx)
			if err != nil {
				return err
			}
			fmt.Fprintf(stdout, "removed %d numbers: search and order use the synthetic pool again\n", n)
			return nil
		}
		counts, err := st.PoolCounts(ctx)
		if err != nil {
			return err
		}
		if len(counts) == 0 {
			fmt.Fprintln(stdout, "no imported pool: search and order use the synthetic pool")
		}
		for _, c := range counts {
			fmt.Fprintf(stdout, "%s\t%s\t%d\n", c.Country, c.Type, c.Numbers)
		}
		return nil
	}()
	return errors.Join(err, closer.Close())
}

// importPoolFile imports a CSV file ("-": stdin) into st, showing progress
// on stderr and the summary on stdout.
func importPoolFile(ctx context.Context, st *sqlstore.Store, path string, stdout, stderr io.Writer) error {
	in, size, closeIn, err := openInput(path)
	if err != nil {
		return err
	}
	defer closeIn()
	p := newProgress(stderr, size)
	rep, err := st.ImportPoolCSV(ctx, in, sqlstore.PoolImportOptions{Progress: p.update})
	p.done()
	if rep != nil {
		printPoolReport(stdout, path, rep)
	}
	return err
}

func printPoolReport(w io.Writer, path string, rep *sqlstore.PoolImport) {
	fmt.Fprintf(w, "imported %d numbers from %s in %s (%d rows read, %d skipped)\n", rep.Imported, path, rep.Duration.Round(time.Millisecond), rep.Rows, rep.Skipped)
	if rep.Skipped > 0 {
		fmt.Fprintln(w, "skipped:")
	}
	for _, s := range rep.Reasons {
		fmt.Fprintf(w, "  line %d: %s\n", s.Line, s.Reason)
	}
	if more := rep.Skipped - len(rep.Reasons); more > 0 {
		fmt.Fprintf(w, "  ... and %d more\n", more)
	}
}

func openInput(path string) (io.Reader, int64, func(), error) {
	if path == "-" {
		return os.Stdin, 0, func() {}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, nil, err
	}
	var size int64
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
		size = fi.Size()
	}
	return f, size, func() { f.Close() }, nil
}

// progress shows an import's progress: a bar redrawn in place on a
// terminal, one plain line per committed batch elsewhere (logs, CI).
type progress struct {
	w     io.Writer
	tty   bool
	size  int64 // bytes of the input, 0 when unknown
	start time.Time
	drawn bool
}

func newProgress(w io.Writer, size int64) *progress {
	tty := false
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progress{w: w, tty: tty, size: size, start: time.Now()}
}

func (p *progress) update(pp sqlstore.PoolProgress) {
	elapsed := time.Since(p.start).Round(100 * time.Millisecond)
	if !p.tty {
		fmt.Fprintf(p.w, "pool import: %d rows read, %d imported, %d skipped (%s)\n", pp.Rows, pp.Imported, pp.Skipped, elapsed)
		return
	}
	const width = 30
	bar := ""
	if p.size > 0 {
		frac := min(1, float64(pp.Bytes)/float64(p.size))
		n := int(frac * width)
		bar = fmt.Sprintf("[%s%s] %3.0f%% ", strings.Repeat("#", n), strings.Repeat(".", width-n), frac*100)
	}
	fmt.Fprintf(p.w, "\r%s%d rows, %d imported, %d skipped, %s ", bar, pp.Rows, pp.Imported, pp.Skipped, elapsed)
	p.drawn = true
}

func (p *progress) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

// poolSample writes synthetic numbers as a carrier CSV.
func poolSample(cmd command, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet(cmd, stderr)
	count := fs.Int("count", 1000, "how many numbers")
	state := fs.String("state", "", "numbers of this US state (default WA)")
	areaCode := fs.String("area-code", "", "numbers of this US area code")
	tollFree := fs.Bool("toll-free", false, "US toll-free numbers")
	if err := parseArgs(fs, args, stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected arguments: %s", strings.Join(fs.Args(), " "))
	}
	q := pool.Query{State: *state, AreaCode: *areaCode}
	if *tollFree {
		q.PhoneNumberType = "TollFree"
	}
	if q.State == "" && q.AreaCode == "" && !*tollFree {
		q.State = "WA"
	}
	if err := q.Check(); err != nil {
		return usagef("%s", chimevoice.ErrorMessage(err))
	}
	if *count < 1 {
		return usagef("--count must be at least 1")
	}
	var buf bytes.Buffer
	buf.WriteString("number,country,type,city,state\n")
	n := 0
	var werr error
	err := pool.New().Scan(q, 0, func(e164 string, _ uint64) bool {
		info, _ := pool.Classify(e164)
		fmt.Fprintf(&buf, "%s,%s,%s,,%s\n", e164, info.Country, info.Type, strings.ToUpper(q.State))
		if buf.Len() > 1<<20 {
			_, werr = stdout.Write(buf.Bytes())
			buf.Reset()
		}
		n++
		return n < *count && werr == nil
	})
	if err == nil {
		err = werr
	}
	if err == nil {
		_, err = stdout.Write(buf.Bytes())
	}
	return err
}

func stateCommand(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || isHelp(args[0]) {
		fmt.Fprint(stdout, stateUsage)
		return nil
	}
	sub, args := args[0], args[1:]
	cmd, ok := stateCommands[sub]
	if !ok {
		fmt.Fprint(stderr, stateUsage)
		return usagef("unknown state command %q", sub)
	}
	var url, token string
	var withPool bool
	cfg, rest, err := commandFlags(cmd, args, os.LookupEnv, stdout, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&url, "url", "", "a running chimevoice server (http://HOST:PORT): work through its admin API")
		fs.StringVar(&token, "admin-token", "", "bearer token for the admin API of a non-loopback server")
		if sub == "export" {
			fs.BoolVar(&withPool, "pool", false, "include the imported carrier pool")
		}
	})
	if err != nil {
		return err
	}
	if n := map[string]int{"export": 1, "import": 1}[sub]; len(rest) > n || (sub == "import" && len(rest) != 1) {
		fmt.Fprint(stderr, stateUsage)
		return usagef("state %s: wrong number of arguments", sub)
	}
	var st stateTarget
	if url != "" {
		st = &adminClient{url: strings.TrimSuffix(url, "/"), token: token}
	} else {
		store, closer, err := openCommandStore(ctx, cfg, stderr)
		if err != nil {
			return err
		}
		defer closer.Close()
		st = storeTarget{store}
	}
	switch sub {
	case "export":
		data, err := st.export(ctx, withPool)
		if err != nil {
			return err
		}
		if len(rest) == 1 && rest[0] != "-" {
			return os.WriteFile(rest[0], data, 0o644)
		}
		_, err = stdout.Write(data)
		return err
	case "import":
		in, _, closeIn, err := openInput(rest[0])
		if err != nil {
			return err
		}
		defer closeIn()
		data, err := io.ReadAll(in)
		if err != nil {
			return fmt.Errorf("read %s: %w", rest[0], err)
		}
		counts, err := st.importState(ctx, data)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "imported %s\n", formatCounts(counts))
		return nil
	}
	if err := st.reset(ctx); err != nil {
		return err
	}
	fmt.Fprintln(stdout, "reset: every account is empty and the service clock is the real clock")
	return nil
}

func formatCounts(counts map[string]int) string {
	var parts []string
	for _, name := range []string{"PhoneNumbers", "PhoneNumberAssociations", "PhoneNumberOrders", "PhoneNumberOrderItems", "PhoneNumberSettings", "PoolNumbers"} {
		if n, ok := counts[name]; ok {
			parts = append(parts, fmt.Sprintf("%s %d", name, n))
			delete(counts, name)
		}
	}
	for _, name := range slices.Sorted(maps.Keys(counts)) { // the association resources
		parts = append(parts, fmt.Sprintf("%s %d", name, counts[name]))
	}
	return strings.Join(parts, ", ")
}

// stateTarget is where `state` acts: a store, or a server's admin API.
type stateTarget interface {
	export(ctx context.Context, pool bool) ([]byte, error)
	importState(ctx context.Context, data []byte) (map[string]int, error)
	reset(ctx context.Context) error
}

type storeTarget struct{ st *sqlstore.Store }

func (t storeTarget) export(ctx context.Context, withPool bool) ([]byte, error) {
	var buf bytes.Buffer
	err := t.st.ExportState(ctx, &buf, chimevoice.ExportOptions{Pool: withPool})
	return buf.Bytes(), err
}

func (t storeTarget) importState(ctx context.Context, data []byte) (map[string]int, error) {
	counts, err := t.st.ImportState(ctx, data)
	var ce *chimevoice.Error
	if errors.As(err, &ce) {
		return nil, errors.New(ce.Message) // the field at fault, without the code
	}
	return counts, err
}

func (t storeTarget) reset(ctx context.Context) error { return t.st.ResetState(ctx) }

// adminClient calls a server's admin API.
type adminClient struct{ url, token string }

func (c *adminClient) do(ctx context.Context, method, path string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.url+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode != http.StatusOK {
		var e struct{ Message string }
		if json.Unmarshal(data, &e) == nil && e.Message != "" {
			return nil, fmt.Errorf("%s %s: %s", method, path, e.Message)
		}
		return nil, fmt.Errorf("%s %s: status %d", method, path, resp.StatusCode)
	}
	return data, nil
}

func (c *adminClient) export(ctx context.Context, withPool bool) ([]byte, error) {
	path := "/_chimevoice/state"
	if withPool {
		path += "?pool=true"
	}
	return c.do(ctx, http.MethodGet, path, nil)
}

func (c *adminClient) importState(ctx context.Context, data []byte) (map[string]int, error) {
	out, err := c.do(ctx, http.MethodPost, "/_chimevoice/state", data)
	if err != nil {
		return nil, err
	}
	var res struct{ Imported map[string]int }
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, fmt.Errorf("import: decode the answer: %w", err)
	}
	return res.Imported, nil
}

func (c *adminClient) reset(ctx context.Context) error {
	_, err := c.do(ctx, http.MethodPost, "/_chimevoice/reset", nil)
	return err
}

// importNumberPool imports --number-pool before serving.
func (m *Main) importNumberPool(ctx context.Context, st *sqlstore.Store) error {
	in, _, closeIn, err := openInput(m.Config.NumberPool)
	if err != nil {
		return fmt.Errorf("--number-pool: %w", err)
	}
	defer closeIn()
	rep, err := st.ImportPoolCSV(ctx, in, sqlstore.PoolImportOptions{})
	if err != nil {
		return fmt.Errorf("--number-pool %s: %w", m.Config.NumberPool, err)
	}
	for _, s := range rep.Reasons {
		m.Logger.Warn("number pool: skipped a row", "file", m.Config.NumberPool, "line", s.Line, "reason", s.Reason)
	}
	m.Logger.Info("imported the number pool", "file", m.Config.NumberPool, "imported", rep.Imported, "skipped", rep.Skipped, "duration", rep.Duration)
	return nil
}
