package tether

import (
	"errors"
	"sync"
	"testing"
	"time"

	"tether.dev/tether/internal/nooplib"
)

func TestBlockingHandlerMakesOneSessionPerLane(t *testing.T) {
	const lanes = 2
	rt := openNoop(t, &Options{Lanes: lanes})
	nooplib.ResetSessions()
	payload := nooplib.SleepPayload(100 * time.Microsecond)
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 8; i++ {
				if _, err := rt.Call(background, nooplib.MethodBlock, uint64(g%lanes), payload); err != nil {
					t.Errorf("BLOCK: %v", err)
					return
				}
			}
		}(g)
	}
	wg.Wait()
	if got := nooplib.Sessions(); got != lanes {
		t.Fatalf("%d threads ran the blocking handler, want one per lane (%d)", got, lanes)
	}
}

func TestBlockWithoutADelayIsALibraryError(t *testing.T) {
	rt := openNoop(t, nil)
	before, _ := LiveBuffers()
	_, err := rt.Call(background, nooplib.MethodBlock, AnyLane, []byte{1, 2, 3})
	var lib *LibraryError
	if !errors.As(err, &lib) || lib.Code != 1 || lib.Message != "BLOCK wants an 8-byte delay" {
		t.Fatalf("BLOCK with 3 bytes = %v, want library error 1", err)
	}
	waitFor(t, "the error's buffer to be freed", func() bool {
		n, _ := LiveBuffers()
		return n == before
	})
}
