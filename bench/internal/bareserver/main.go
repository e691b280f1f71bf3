// Command bareserver is the floor of start-up time on a machine: a bare
// net/http server that answers /_chimevoice/health with 200, or, with the
// argument "version", a program that prints a line and exits.
// scripts/bench-startup.sh measures chimevoice against it.
//
//	bareserver ADDR       serve on ADDR
//	bareserver version    print and exit
package main

import (
	"fmt"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: bareserver ADDR | version")
		os.Exit(2)
	}
	if os.Args[1] == "version" {
		fmt.Println("bareserver")
		return
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_chimevoice/health", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"status":"ok"}`)
	})
	if err := http.ListenAndServe(os.Args[1], mux); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
