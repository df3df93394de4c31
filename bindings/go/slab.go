package tether

import "sync/atomic"

// slab names the calls in flight to C without handing C a Go pointer: a
// call's tag is its slot index (low 32 bits) and the slot's generation
// (high 32 bits). Free slots form a lock-free stack whose head carries a
// version counter against ABA, so claiming and releasing a slot takes no
// lock shared by every caller.
//
// Thread safety: put and take from any goroutine; each tag is taken once.
type slab struct {
	slots []slabSlot
	// free is version<<32 | (index+1) of the top free slot; 0 in the low
	// half means none is free.
	free atomic.Uint64
}

type slabSlot struct {
	call       atomic.Pointer[callState]
	generation atomic.Uint32
	next       atomic.Uint32 // index+1 of the next free slot, 0 for none
}

// newSlab returns a slab of `capacity` free slots.
func newSlab(capacity int) *slab {
	s := &slab{slots: make([]slabSlot, capacity)}
	for i := range s.slots {
		s.slots[i].next.Store(uint32(i + 2))
	}
	s.slots[capacity-1].next.Store(0)
	s.free.Store(1)
	return s
}

// put stores c in a free slot and returns its tag; false when every slot
// is taken.
func (s *slab) put(c *callState) (tag uint64, ok bool) {
	for {
		head := s.free.Load()
		top := uint32(head)
		if top == 0 {
			return 0, false
		}
		slot := &s.slots[top-1]
		next := slot.next.Load()
		if s.free.CompareAndSwap(head, (head>>32+1)<<32|uint64(next)) {
			generation := slot.generation.Add(1)
			slot.call.Store(c)
			return uint64(generation)<<32 | uint64(top-1), true
		}
	}
}

// take empties the slot `tag` names and returns what it held; nil when the
// tag is stale (a different generation, or already taken).
func (s *slab) take(tag uint64) *callState {
	index := uint32(tag)
	if int(index) >= len(s.slots) {
		return nil
	}
	slot := &s.slots[index]
	if slot.generation.Load() != uint32(tag>>32) {
		return nil
	}
	c := slot.call.Swap(nil)
	if c == nil {
		return nil
	}
	for {
		head := s.free.Load()
		slot.next.Store(uint32(head))
		if s.free.CompareAndSwap(head, (head>>32+1)<<32|uint64(index+1)) {
			return c
		}
	}
}

// capacity returns the number of slots.
func (s *slab) capacity() int { return len(s.slots) }
