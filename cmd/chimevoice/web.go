package main

import (
	"net/http"
	"strings"

	"github.com/chimevoice/chimevoice/console"
)

// frontDoor sends a browser that opens the server's root to the web
// console; every other request goes to next (an SDK never asks for GET /
// with text/html, so the API's answers are unchanged).
func frontDoor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/" && (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
			r.Header.Get("Authorization") == "" && strings.Contains(r.Header.Get("Accept"), "text/html") {
			http.Redirect(w, r, console.Prefix, http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}
