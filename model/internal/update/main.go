// Command update copies the chime-sdk-voice and chime service models (and
// their paginators) from a botocore installation into model/spec:
//
//	go run ./model/internal/update $(python3 -c 'import botocore,os;print(os.path.dirname(botocore.__file__))')/data
//
// It copies the files and regenerates the model tables (go generate
// ./model); then `go test ./model -run TestModelHandled` lists what the new
// model changes that the code does not handle.
//
// botocore ships the files as service-2.json(.gz) and paginators-1.json
// under <data>/<service>/<api-version>/; compressed files are expanded. Run
// it from the repository root.
package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
)

// models are the services chimevoice serves, with their API versions.
var models = []struct{ service, version string }{
	{"chime-sdk-voice", "2022-08-03"},
	{"chime", "2018-05-01"},
}

func main() {
	dest := flag.String("spec", "model/spec", "the directory the models go to")
	flag.Usage = func() {
		fmt.Fprintln(flag.CommandLine.Output(), "usage: go run ./model/internal/update [-spec model/spec] <botocore data directory>")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *dest); err != nil {
		fmt.Fprintln(os.Stderr, "update:", err)
		os.Exit(1)
	}
}

func run(data, dest string) error {
	for _, m := range models {
		dir := filepath.Join(data, m.service, m.version)
		for _, f := range []struct{ from, to string }{
			{"service-2.json", m.service + "-" + m.version + ".service.json"},
			{"paginators-1.json", m.service + "-" + m.version + ".paginators.json"},
		} {
			body, err := readMaybeGzip(filepath.Join(dir, f.from))
			if err != nil {
				return err
			}
			to := filepath.Join(dest, f.to)
			old, _ := os.ReadFile(to)
			if bytes.Equal(old, body) {
				fmt.Printf("%s: unchanged\n", to)
				continue
			}
			if err := os.WriteFile(to, body, 0o644); err != nil {
				return fmt.Errorf("write %s: %w", to, err)
			}
			fmt.Printf("%s: updated from %s\n", to, dir)
		}
	}
	gen := exec.Command("go", "generate", "./model")
	gen.Stdout, gen.Stderr = os.Stdout, os.Stderr
	if err := gen.Run(); err != nil {
		return fmt.Errorf("go generate ./model: %w", err)
	}
	fmt.Println("next: go test ./model -run TestModelHandled (lists what the code does not handle yet)")
	return nil
}

// readMaybeGzip reads path, or path.gz expanded.
func readMaybeGzip(path string) ([]byte, error) {
	body, err := os.ReadFile(path)
	if err == nil {
		return body, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	f, err := os.Open(path + ".gz")
	if err != nil {
		return nil, fmt.Errorf("read %s(.gz): %w", path, err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("read %s.gz: %w", path, err)
	}
	body, err = io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("read %s.gz: %w", path, err)
	}
	return body, nil
}
