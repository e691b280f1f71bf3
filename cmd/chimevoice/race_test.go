//go:build race

package main

// raceEnabled reports whether the tests (and the server processes they run
// from the test binary) are built with the race detector, which multiplies
// memory use: memory bounds are checked only without it.
const raceEnabled = true
