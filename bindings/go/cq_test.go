package tether

import (
	"strings"
	"testing"

	"tether.dev/tether/internal/nooplib"
)

func mustPanic(t *testing.T, what, want string, f func()) {
	t.Helper()
	defer func() {
		v := recover()
		if v == nil || !strings.Contains(v.(string), want) {
			t.Fatalf("%s: recovered %v, want a panic saying %q", what, v, want)
		}
	}()
	f()
}

func TestCompletionQueueHandleIsGoneAfterClose(t *testing.T) {
	rt := openNoop(t, nil)
	q := rt.e.q
	rt.Close()
	mustPanic(t, "completionQueue.ptr after Close", "destroyed completion queue", func() { q.ptr() })
	mustPanic(t, "engine.ptr after Close", "closed Runtime", func() { rt.e.ptr() })
}

func TestCompletionQueueFreesEveryResultBuffer(t *testing.T) {
	rt := openNoop(t, &Options{Lanes: 2})
	before, _ := LiveBuffers()
	for i := 0; i < 3*batchSize; i++ {
		if _, err := rt.Call(background, nooplib.MethodEcho, AnyLane, []byte("result")); err != nil {
			t.Fatal(err)
		}
	}
	for i := 0; i < 10; i++ {
		rt.Call(background, 99, AnyLane, nil) // error messages are buffers too
	}
	waitFor(t, "result buffers to be freed while the runtime stays open", func() bool {
		n, _ := LiveBuffers()
		return n == before
	})
}
