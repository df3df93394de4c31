//go:build race

package tether

// raceEnabled: the race detector allows at most 8128 live goroutines, so
// the largest tests scale down under it.
const raceEnabled = true
