package tether

import (
	"testing"

	"tether.dev/tether/internal/nooplib"
)

func TestStatsCountEveryOutcome(t *testing.T) {
	rt := openNoop(t, &Options{Lanes: 3})
	for i := 0; i < 10; i++ {
		rt.Call(background, nooplib.MethodNoop, AnyLane, nil)
	}
	rt.Call(background, 99, AnyLane, nil) // a library error
	s, err := rt.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if s.Submitted != 11 || s.CompletedOK != 10 || s.CompletedLibrary != 1 || s.Lanes != 3 {
		t.Fatalf("stats = %+v; want 11 submitted, 10 ok, 1 library error, 3 lanes", s)
	}
}
