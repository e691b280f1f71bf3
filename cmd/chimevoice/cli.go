package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/chimevoice/chimevoice"
)

// Command-line conventions shared by every command: -h/--help prints the
// command's usage on stdout and exits 0; a command line that cannot be run
// (unknown flag, subcommand or value) exits 2 after saying why on stderr;
// anything that fails while running exits 1.

// usageError is a command line that cannot be run: exit status 2.
type usageError struct {
	err     error
	printed bool // the flag package already printed the error and the usage
}

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usagef returns a usageError with a formatted message.
func usagef(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// asUsage marks err (a parse or validation error) as a usage error.
func asUsage(err error) error {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return err
	}
	var ue *usageError
	if errors.As(err, &ue) {
		return err
	}
	return &usageError{err: err}
}

// exitCode reports err on stderr (unless already reported) and returns the
// process's exit status.
func exitCode(err error, stderr io.Writer) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	var ue *usageError
	if errors.As(err, &ue) {
		if !ue.printed {
			fmt.Fprintln(stderr, "chimevoice:", err)
			fmt.Fprintln(stderr, `Run "chimevoice help" for usage.`)
		}
		return 2
	}
	fmt.Fprintln(stderr, "chimevoice:", err)
	return 1
}

// helpFlags are the spellings of a request for help.
var helpFlags = []string{"-h", "--h", "-help", "--help"}

// wantsHelp reports whether args ask for help before any "--".
func wantsHelp(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if slices.Contains(helpFlags, a) {
			return true
		}
	}
	return false
}

// command describes a command for its usage text.
type command struct {
	name     string // "pool import"
	synopsis string // what follows "chimevoice NAME": "[flags] CSV"
	about    string // one paragraph
	env      bool   // flags also read CHIMEVOICE_<FLAG>
}

// newFlagSet returns the flag set of cmd; its usage text lists every flag
// and, where they apply, the environment variables.
func newFlagSet(cmd command, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("chimevoice "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { printUsage(fs.Output(), cmd, fs) }
	return fs
}

func printUsage(w io.Writer, cmd command, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: chimevoice %s %s\n", cmd.name, cmd.synopsis)
	if cmd.about != "" {
		fmt.Fprintf(w, "\n%s\n", strings.TrimSpace(cmd.about))
	}
	printFlags(w, "Flags:", fs, cmd.env)
}

// printFlags lists the flags of fs as "--name VALUE  usage (default X)",
// with the environment variable of each when env is set.
func printFlags(w io.Writer, heading string, fs *flag.FlagSet, env bool) {
	n := 0
	fs.VisitAll(func(*flag.Flag) { n++ })
	if n == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s\n", heading)
	fs.VisitAll(func(f *flag.Flag) {
		kind, usage := flag.UnquoteUsage(f)
		switch f.Value.(type) {
		case durationValue:
			kind = "duration"
		case *devMode:
			kind = "[=true|false|auto]"
		}
		line := "  --" + f.Name
		if kind != "" && !strings.HasPrefix(kind, "[") {
			line += " "
		}
		line += kind
		fmt.Fprintln(w, line)
		if f.DefValue != "" && f.DefValue != "0" && f.DefValue != "false" && f.DefValue != "0s" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		if env {
			usage += " [$" + envName(f.Name) + "]"
		}
		fmt.Fprintf(w, "        %s\n", usage)
	})
	if env {
		fmt.Fprintln(w, "\nEvery flag can also be set with its CHIMEVOICE_<FLAG> environment variable; the flag wins.")
	}
}

// envName is the environment variable of a flag: CHIMEVOICE_<FLAG>, dashes
// as underscores.
func envName(flagName string) string {
	return "CHIMEVOICE_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseArgs parses args into fs: help goes to stdout (flag.ErrHelp), a
// parse error is a usage error the flag package has already printed.
func parseArgs(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	if wantsHelp(args) {
		fs.SetOutput(stdout)
		fs.Usage()
		return flag.ErrHelp
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{err: err, printed: true}
	}
	return nil
}

// durationValue is a flag.Value for durations that take days ("7d").
type durationValue struct{ d *time.Duration }

func (v durationValue) String() string {
	if v.d == nil {
		return ""
	}
	return chimevoice.FormatDuration(*v.d)
}

func (v durationValue) Set(s string) error {
	d, err := chimevoice.ParseDuration(s)
	if err != nil {
		return errors.New("not a duration (e.g. 7d, 168h, 90m, 500ms)")
	}
	*v.d = d
	return nil
}

// durationVar defines a duration flag that takes days.
func durationVar(fs *flag.FlagSet, p *time.Duration, name string, value time.Duration, usage string) {
	*p = value
	fs.Var(durationValue{p}, name, usage)
}

// printTopUsage prints the top-level usage: every command, then the serve
// flags (serve is the default command).
func printTopUsage(w io.Writer) {
	fmt.Fprint(w, usage)
	fs := newFlagSet(serveCommand, io.Discard)
	cfg := DefaultConfig()
	cfg.define(fs, func(string) (string, bool) { return "", false })
	printFlags(w, `Flags of serve ("chimevoice serve -h"):`, fs, true)
}
