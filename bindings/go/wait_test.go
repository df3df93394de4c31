package tether

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"tether.dev/tether/internal/nooplib"
)

func TestWaitStrategiesDeliverEveryResult(t *testing.T) {
	for _, strategy := range strategies {
		t.Run(strategy.String(), func(t *testing.T) {
			rt := openNoop(t, &Options{Lanes: 2, Wait: strategy})
			var wg sync.WaitGroup
			for g := 0; g < 64; g++ {
				wg.Add(1)
				go func(g int) {
					defer wg.Done()
					for i := 0; i < 300; i++ {
						want := []byte(fmt.Sprintf("%d/%d", g, i))
						got, err := rt.Call(background, nooplib.MethodEcho, uint64(g), want)
						if err != nil || !bytes.Equal(got, want) {
							t.Errorf("ECHO %s = %q, %v", want, got, err)
							return
						}
					}
				}(g)
			}
			wg.Wait()
		})
	}
}

func TestWaitStrategiesDrainBatchesLargerThanOnePoll(t *testing.T) {
	for _, strategy := range strategies {
		t.Run(strategy.String(), func(t *testing.T) {
			rt := openNoop(t, &Options{Wait: strategy, Deliver: DeliverOnThread})
			pending := make([]*Pending, 4*batchSize+7)
			for i := range pending {
				pending[i] = rt.Go(background, nooplib.MethodEcho, AnyLane, []byte{byte(i)})
			}
			for i, p := range pending {
				if got, err := p.Result(); err != nil || len(got) != 1 || got[0] != byte(i) {
					t.Fatalf("call %d = %v, %v", i, got, err)
				}
			}
		})
	}
}

func TestWaitStrategyNames(t *testing.T) {
	for s, want := range map[WaitStrategy]string{WaitDefault: "default", WaitNetpoller: "netpoller", WaitBlockingPoll: "blocking-poll", WaitSpinThenPark: "spin-then-park", WaitDrainerSpins: "drainer-spins", 7: "WaitStrategy(7)"} {
		if got := s.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(s), got, want)
		}
	}
}
