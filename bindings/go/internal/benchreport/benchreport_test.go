package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const sampleOutput = `goos: linux
goarch: amd64
pkg: tether.dev/tether
BenchmarkSerialCall/lanes=1/c-round-trip-2          	   20000	      1610 ns/op	    621.0 p50-ns	 0 B/op	 0 allocs/op
BenchmarkSerialCall/lanes=1/tether-spin-then-park-2 	   20000	      3390 ns/op	    951.0 p50-ns	  16 B/op	       0 allocs/op
--- BENCH: something the testing package logged
PASS
`

func TestParseReadsEveryValueUnitPair(t *testing.T) {
	got, err := parse(sampleOutput)
	if err != nil {
		t.Fatal(err)
	}
	c := got["SerialCall/lanes=1/c-round-trip"]
	if c["ns/op"] != 1610 || c["p50-ns"] != 621 || c["allocs/op"] != 0 {
		t.Fatalf("c-round-trip = %v", c)
	}
	if got["SerialCall/lanes=1/tether-spin-then-park"]["B/op"] != 16 || len(got) != 2 {
		t.Fatalf("parsed %v", got)
	}
}

func TestParseRejectsAValueThatIsNotANumber(t *testing.T) {
	if _, err := parse("BenchmarkX-2 10 fast ns/op\n"); err == nil {
		t.Fatal("parse accepted \"fast\" as a number")
	}
}

func TestRatiosAreTakenWithinEachRun(t *testing.T) {
	r := results{
		"a": {{"p50-ns": 10}, {"p50-ns": 40}},
		"b": {{"p50-ns": 5}, {"p50-ns": 40}},
	}
	got := r.ratios("a", "b", "p50-ns")
	if len(got) != 2 || got[0] != 2 || got[1] != 1 {
		t.Fatalf("ratios = %v, want [2 1]", got)
	}
	if m := median(got); m != 1.5 {
		t.Fatalf("median = %v, want 1.5", m)
	}
	if s := spread(r.series("a", "p50-ns")); s != 4 {
		t.Fatalf("spread = %v, want 4", s)
	}
	if !math.IsNaN(median(nil)) {
		t.Fatal("the median of nothing is a number")
	}
}

func TestSpliceReplacesOnlyTheGeneratedSection(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	before := "intro\n" + beginMarker + "\nold table\n" + endMarker + "\noutro\n"
	if err := os.WriteFile(path, []byte(before), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := splice(path, "new table\n"); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)
	want := "intro\n" + beginMarker + "\nnew table\n" + endMarker + "\noutro\n"
	if string(data) != want {
		t.Fatalf("after splice:\n%s\nwant:\n%s", data, want)
	}
}

func TestSpliceWithoutMarkersFails(t *testing.T) {
	path := filepath.Join(t.TempDir(), "README.md")
	os.WriteFile(path, []byte("no markers\n"), 0o644)
	if err := splice(path, "x"); err == nil || !strings.Contains(err.Error(), "section") {
		t.Fatalf("splice into a file without markers = %v", err)
	}
}

func TestRenderNamesTheDefaultAndMarksUnmetGoals(t *testing.T) {
	r := results{
		"SerialCall/lanes=1/" + defaultWait:           {{"p50-ns": 3000, "p99-ns": 50000}},
		"SerialCall/lanes=1/c-round-trip":             {{"p50-ns": 500}},
		"SerialCall/lanes=1/direct-cgo":               {{"p50-ns": 60}},
		"ConcurrentCall/goroutines=64/" + defaultWait: {{"calls/s": 3e6, "p99.9-ns": 5e5}},
	}
	text := render(r, environment{runs: 1})
	for _, want := range []string{
		"| **spin-then-park** (default) | 3.0 µs |",
		"| 1 goroutine, lanes=1: p50 ≤ 4× the C round trip | 6× | no |",
		"| 64 goroutines: ≥ 2 M calls/s | 3.00 M/s | yes |",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("render lacks %q:\n%s", want, text)
		}
	}
}
