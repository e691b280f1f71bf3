package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/chimevoice/chimevoice/bench"
)

// benchStartupCmd runs `chimevoice bench startup`: exec to first healthy
// answer (or to exit) of a command, median of --runs.
func benchStartupCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg bench.StartupConfig
	fs := flag.NewFlagSet("chimevoice bench startup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: chimevoice bench startup [flags] -- COMMAND [ARGS...]

Times COMMAND from exec to the first 200 answer of --url (probed from this
process over TCP every --interval, no process per probe), or to its exit
when --url is empty. "{port}" in COMMAND and --url is a free loopback port.

  chimevoice bench startup --runs 21 -- chimevoice --data :memory: --listen 127.0.0.1:{port}
  chimevoice bench startup --runs 21 --url "" -- chimevoice version

Flags:
`)
		fs.PrintDefaults()
	}
	fs.StringVar(&cfg.URL, "url", "http://127.0.0.1:{port}/_chimevoice/health", `URL to probe; "" times the command to its exit`)
	fs.IntVar(&cfg.Runs, "runs", 11, "runs; the median is reported")
	fs.DurationVar(&cfg.Interval, "interval", 100*time.Microsecond, "pause between probes")
	fs.DurationVar(&cfg.Timeout, "timeout", 30*time.Second, "give up on a run after this long")
	if err := fs.Parse(args); err != nil {
		return err
	}
	cfg.Command = fs.Args()
	if len(cfg.Command) == 0 {
		fs.Usage()
		return fmt.Errorf("bench startup: no command")
	}
	runs, err := bench.Startup(ctx, cfg)
	for i, r := range runs {
		if r.RSSKB > 0 {
			fmt.Fprintf(stdout, "run %d: %.2f ms rss=%.1fMB\n", i+1, ms(r.Elapsed), float64(r.RSSKB)/1024)
		} else {
			fmt.Fprintf(stdout, "run %d: %.2f ms\n", i+1, ms(r.Elapsed))
		}
	}
	if err != nil {
		return err
	}
	what := "exec to first healthy answer"
	if cfg.URL == "" {
		what = "exec to exit"
	}
	rss := ""
	if kb := bench.MedianRSSKB(runs); kb > 0 {
		rss = fmt.Sprintf(", rss %.1f MB", float64(kb)/1024)
	}
	fmt.Fprintf(stdout, "median %s: %.2f ms (%d runs)%s\n", what, ms(bench.MedianElapsed(runs)), len(runs), rss)
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
