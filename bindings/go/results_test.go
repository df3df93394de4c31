package tether

import (
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"tether.dev/tether/internal/nooplib"
)

// goAndWait starts n ECHO calls with Go and waits until each is done,
// without reading any result.
func goAndWait(rt *Runtime, n int) []*Pending {
	pending := make([]*Pending, n)
	for i := range pending {
		pending[i] = rt.Go(background, nooplib.MethodEcho, AnyLane, []byte("unread"))
	}
	for _, p := range pending {
		<-p.Done()
	}
	return pending
}

func collect(t *testing.T, pending []*Pending) {
	t.Helper()
	for _, p := range pending {
		if _, err := p.Result(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestLeakReportCountsResultsNeverCollected(t *testing.T) {
	rt := openNoop(t, nil)
	pending := goAndWait(rt, 5)
	// An outcome is handed out a moment before the drain frees its tether
	// buffer (LeakReport's doc: an open runtime's report is read now):
	// wait for those to go, then the 5 uncollected results are all.
	var report LeakReport
	var err error
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		report, err = rt.LeakReport()
		if err != nil || report.Findings <= 5 || time.Now().After(deadline) {
			break
		}
	}
	if err != nil || report.Findings != 5 || !strings.Contains(report.Text, "5 results of calls started with Go never collected") {
		t.Fatalf("LeakReport with 5 unread Pendings = %+v, %v; want 5 results never collected", report, err)
	}
	collect(t, pending) // and watchRuntime sees the report empty again
}

func TestLeakReportAfterCloseCountsResultsStillNotCollected(t *testing.T) {
	rt, err := OpenLibrary(nooplib.Library(), nil)
	if err != nil {
		t.Fatal(err)
	}
	pending := goAndWait(rt, 3)
	if err := rt.Close(); err != nil {
		t.Fatal(err)
	}
	report, err := rt.LeakReport()
	if err != nil || report.Findings != 3 || !strings.Contains(report.Text, "3 results of calls started with Go never collected") {
		t.Fatalf("LeakReport after Close with 3 unread Pendings = %+v, %v", report, err)
	}
	collect(t, pending)
	checkNoLeaks(t, rt) // collected after Close: no longer a finding
}

func TestResultCollectedTwiceCountsOnce(t *testing.T) {
	rt := openNoop(t, nil)
	pending := goAndWait(rt, 2)
	collect(t, pending[:1])
	collect(t, pending[:1])
	if s, err := rt.Stats(); err != nil || s.Uncollected != 1 {
		t.Fatalf("Stats().Uncollected = %d, %v after one of two results was read (twice); want 1", s.Uncollected, err)
	}
	collect(t, pending[1:])
}

func TestStatsCountResultsNeverCollected(t *testing.T) {
	rt := openNoop(t, nil)
	pending := goAndWait(rt, 4)
	if s, err := rt.Stats(); err != nil || s.Uncollected != 4 {
		t.Fatalf("Stats().Uncollected = %d, %v with 4 unread Pendings; want 4", s.Uncollected, err)
	}
	collect(t, pending)
	if s, err := rt.Stats(); err != nil || s.Uncollected != 0 {
		t.Fatalf("Stats().Uncollected = %d, %v once every result was read; want 0", s.Uncollected, err)
	}
}

func TestGrowthWatchWarnsAsUncollectedResultsDouble(t *testing.T) {
	h := &recordingHandler{level: slog.LevelWarn}
	if err := SetLogger(slog.New(h)); err != nil {
		t.Fatal(err)
	}
	defer SetLogger(nil)
	rt := openNoop(t, &Options{GrowthThreshold: 3}) // rounded up to 4
	pending := goAndWait(rt, 17)
	defer collect(t, pending)
	lines := func() []string {
		var found []string
		for _, line := range strings.Split(h.all(), "\n") {
			if strings.Contains(line, "results of calls started with Go never collected") {
				found = append(found, line)
			}
		}
		return found
	}
	waitFor(t, "growth warnings at 4, 8 and 16", func() bool { return len(lines()) >= 3 })
	got := lines() // each is logged from a goroutine of its own: any order
	slices.Sort(got)
	if len(got) != 3 || !strings.Contains(got[0], "reached 16 ") || !strings.Contains(got[1], "reached 4 ") || !strings.Contains(got[2], "reached 8 ") {
		t.Fatalf("growth warnings:\n%s\nwant one each at 4, 8 and 16", strings.Join(got, "\n"))
	}
}
