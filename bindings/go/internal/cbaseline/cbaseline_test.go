package cbaseline

import (
	"strings"
	"testing"
	"time"

	"tether.dev/tether/internal/nooplib"
)

func TestRoundTripsTimeEveryCall(t *testing.T) {
	rt, err := Open(nooplib.Library(), 1, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	latencies, err := rt.RoundTrips(nooplib.MethodNoop, 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(latencies) != 100 {
		t.Fatalf("%d latencies for 100 round trips", len(latencies))
	}
	for i, l := range latencies {
		if l <= 0 || l > time.Minute {
			t.Fatalf("round trip %d took %v", i, l)
		}
	}
}

func TestRoundTripsStopAtTheFirstFailedCall(t *testing.T) {
	rt, err := Open(nooplib.Library(), 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Close()
	_, err = rt.RoundTrips(99, 3) // nooplib answers an unknown method with an error
	if err == nil || !strings.Contains(err.Error(), "TETHER_E_LIBRARY") {
		t.Fatalf("round trips of an unknown method = %v, want the library error", err)
	}
}

func TestOpenWithTooManyLanesFails(t *testing.T) {
	if rt, err := Open(nooplib.Library(), 100000, -1); err == nil {
		rt.Close()
		t.Fatal("opening with 100000 lanes succeeded")
	}
}
