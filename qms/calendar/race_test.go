//go:build race

package calendar_test

// raceEnabled is true under -race, which slows pure arithmetic several
// times over and finds nothing in it: long sweeps sample instead.
const raceEnabled = true
