package tether

import (
	"math"
	"slices"
	"testing"
)

// watchFor returns a growth watch with threshold, and the
// boundaries it has logged.
func watchFor(threshold uint64) (*growthWatch, *[]uint64) {
	var logged []uint64
	w := newGrowthWatch(threshold, func(boundary, _, _ uint64) { logged = append(logged, boundary) })
	return w, &logged
}

func climb(w *growthWatch, from, to uint64) {
	for v := from; v <= to; v++ {
		w.observe(v)
	}
}

func TestGrowthWatchLogsEachBoundaryOnce(t *testing.T) {
	w, logged := watchFor(4)
	climb(w, 0, 40)
	for i := 0; i < 3; i++ {
		w.observe(20)
		w.observe(33)
	}
	if want := []uint64{4, 8, 16, 32}; !slices.Equal(*logged, want) {
		t.Fatalf("logged %v, want %v", *logged, want)
	}
}

func TestGrowthWatchLogsAgainAfterAFallToAQuarter(t *testing.T) {
	w, logged := watchFor(4)
	climb(w, 0, 16)
	w.observe(5) // above 16/4: stays disarmed
	climb(w, 6, 16)
	w.observe(4) // 16/4: re-arms 8 and 16
	climb(w, 5, 16)
	if want := []uint64{4, 8, 16, 8, 16}; !slices.Equal(*logged, want) {
		t.Fatalf("logged %v, want %v", *logged, want)
	}
}

func TestGrowthWatchDefaultsTo4096AndRoundsUp(t *testing.T) {
	w, logged := watchFor(0)
	w.observe(4095)
	w.observe(4096)
	v, rounded := watchFor(5000)
	v.observe(5000)
	v.observe(8192)
	if !slices.Equal(*logged, []uint64{4096}) || !slices.Equal(*rounded, []uint64{8192}) {
		t.Fatalf("threshold 0 logged %v (want [4096]); threshold 5000 logged %v (want [8192])", *logged, *rounded)
	}
}

func TestGrowthWatchOffAtMaxUint64(t *testing.T) {
	w, logged := watchFor(math.MaxUint64)
	w.observe(1 << 40)
	w.observe(math.MaxUint64)
	if len(*logged) != 0 {
		t.Fatalf("a watch turned off logged %v", *logged)
	}
}
