//go:build !race

package tether

const raceEnabled = false
