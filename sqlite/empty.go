package sqlite

import _ "embed"

// emptyImage is a database file as the migrations leave a new one: what a
// throwaway (":memory:") store starts from, so that it does not run them at
// every start. Regenerate it after adding a migration (TestEmptyImage fails
// until then):
//
//go:generate go test -run=^TestEmptyImage$ -update-empty-image .
//go:embed empty.db
var emptyImage []byte
