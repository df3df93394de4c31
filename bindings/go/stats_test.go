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

func TestStatsReportLatencyPercentiles(t *testing.T) {
	rt := openNoop(t, nil)
	for i := 0; i < 100; i++ {
		if _, err := rt.Call(background, nooplib.MethodNoop, AnyLane, nil); err != nil {
			t.Fatal(err)
		}
	}
	s, err := rt.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if s.LatencyP50 <= 0 || s.LatencyP50 > s.LatencyP99 || s.LatencyP99 > s.LatencyP999 {
		t.Fatalf("latency p50 %v, p99 %v, p99.9 %v after 100 calls; want 0 < p50 <= p99 <= p99.9", s.LatencyP50, s.LatencyP99, s.LatencyP999)
	}
}

func TestStatsCountLiveBuffers(t *testing.T) {
	rt := openNoop(t, nil)
	before, err := rt.Stats()
	if err != nil {
		t.Fatal(err)
	}
	data, _ := allocTestBuffer([]byte("twelve bytes"))
	during, err := rt.Stats()
	freeTestBuffer(data)
	if err != nil || during.BuffersLive != before.BuffersLive+1 || during.BufferBytesLive != before.BufferBytesLive+12 {
		t.Fatalf("with one 12-byte buffer held: %d buffers, %d bytes (before: %d, %d), %v", during.BuffersLive, during.BufferBytesLive, before.BuffersLive, before.BufferBytesLive, err)
	}
}

func TestStatsCountRequestsQueuedBehindABusyLane(t *testing.T) {
	rt := openNoop(t, &Options{Lanes: 1})
	release := holdLane(t, rt)
	pending := make([]*Pending, 3)
	for i := range pending {
		pending[i] = rt.Go(background, nooplib.MethodNoop, AnyLane, nil)
	}
	s, err := rt.Stats()
	release()
	if err != nil || s.QueueDepth != 3 || s.CQBacklog != 0 {
		t.Fatalf("3 calls behind a held lane: queue depth %d, cq backlog %d, %v; want 3, 0", s.QueueDepth, s.CQBacklog, err)
	}
	for _, p := range pending {
		if _, err := p.Result(); err != nil {
			t.Fatal(err)
		}
	}
}
