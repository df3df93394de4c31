package tether

import (
	"sync"
	"testing"
)

func TestSlabPutTakeRoundTrip(t *testing.T) {
	s := newSlab(4)
	c := &callState{}
	tag, ok := s.put(c)
	if !ok {
		t.Fatal("put on an empty slab failed")
	}
	if got := s.take(tag); got != c {
		t.Fatalf("take(%#x) = %p, want %p", tag, got, c)
	}
	if got := s.take(tag); got != nil {
		t.Fatalf("a second take of %#x returned %p, want nil", tag, got)
	}
}

func TestSlabFullRefusesAndRecovers(t *testing.T) {
	s := newSlab(3)
	var tags []uint64
	for i := 0; i < 3; i++ {
		tag, ok := s.put(&callState{})
		if !ok {
			t.Fatalf("put %d failed below capacity", i)
		}
		tags = append(tags, tag)
	}
	if _, ok := s.put(&callState{}); ok {
		t.Fatal("put succeeded on a full slab")
	}
	s.take(tags[1])
	if _, ok := s.put(&callState{}); !ok {
		t.Fatal("put failed after a slot was freed")
	}
}

func TestSlabStaleGenerationIsRejected(t *testing.T) {
	s := newSlab(1)
	old, _ := s.put(&callState{})
	s.take(old)
	fresh, _ := s.put(&callState{})
	if uint32(fresh) != uint32(old) {
		t.Fatalf("expected the same slot to be reused")
	}
	if s.take(old) != nil {
		t.Fatal("a tag from an earlier generation took the new call")
	}
	if s.take(fresh) == nil {
		t.Fatal("the fresh tag was not honoured")
	}
	if s.take(1<<40) != nil {
		t.Fatal("an out-of-range tag was honoured")
	}
}

func TestSlabConcurrentUseLosesNothing(t *testing.T) {
	const workers, rounds = 16, 2000
	s := newSlab(workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < rounds; i++ {
				c := &callState{}
				tag, ok := s.put(c)
				for !ok {
					tag, ok = s.put(c)
				}
				if got := s.take(tag); got != c {
					t.Errorf("take returned %p, want %p", got, c)
					return
				}
			}
		}()
	}
	wg.Wait()
	seen := 0
	for i := 0; i < workers; i++ {
		if _, ok := s.put(&callState{}); ok {
			seen++
		}
	}
	if seen != workers {
		t.Fatalf("%d of %d slots free after the run", seen, workers)
	}
}
