package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"

	"tether.dev/tether"
)

// tetherStore calls store-tether through tether: the store runs only on
// tether's lanes, one connection and one session per lane.
//
// Writes (PUT, DELETE, SLOW) all go to one lane, with writerKey: SQLite
// lets one connection write at a time, so writes spread over lanes would
// wait for each other inside SQLite's busy handler, sleeping while holding
// their lanes; on one lane they queue in tether instead, in order. Reads
// (GET, SCAN) go to any lane: WAL lets every connection read at once.
// keyedWrites spreads writes by their key's affinity instead (for the
// benchmark's comparison).
type tetherStore struct {
	rt          *tether.Runtime
	lanes       int
	keyedWrites bool
	// sessionsBefore is the count of sessions the store's module had built
	// before this runtime opened (an earlier runtime's, if the module
	// stayed loaded).
	sessionsBefore uint64
}

const tetherEntrySymbol = "tether_store_library"

// dbEnv names the database store-tether opens at lane start. tether hands
// a library its data through tether_runtime_config.library_data, which the
// Go binding does not expose, so the path travels in the environment.
const dbEnv = "STORE_TETHER_DB"

// openTether opens store-tether at path on the database db with opts
// (Lanes at least: the session count is checked against it).
func openTether(path, db string, opts tether.Options, busyTimeoutMs int) (*tetherStore, error) {
	if err := os.Setenv(dbEnv, db); err != nil {
		return nil, err
	}
	if err := os.Setenv("STORE_TETHER_BUSY_TIMEOUT_MS", strconv.Itoa(busyTimeoutMs)); err != nil {
		return nil, err
	}
	rt, err := tether.OpenPath(path, tetherEntrySymbol, &opts)
	if err != nil {
		return nil, err
	}
	t := &tetherStore{rt: rt, lanes: rt.Lanes()}
	// The first call on a new lane builds that lane's session, so the
	// count before it is one less than this answer.
	reply, err := t.Call(context.Background(), methodStats, nil, nil)
	var first storeStats
	if err == nil {
		first, err = parseStats(reply)
	}
	if err == nil && first.SessionOps != 1 {
		err = fmt.Errorf("the first STATS on a new runtime ran in a session that had run %d operations", first.SessionOps)
	}
	if err != nil {
		rt.Close()
		return nil, fmt.Errorf("STATS: %w", err)
	}
	t.sessionsBefore = first.SessionsCreated - 1
	return t, nil
}

// writerKey is the affinity key of the lane that runs every write.
const writerKey = 0

func (t *tetherStore) Call(ctx context.Context, method uint32, key []byte, payload []byte) ([]byte, error) {
	lane := tether.AnyLane
	switch method {
	case methodPut, methodDelete, methodSlow:
		lane = writerKey
		if t.keyedWrites && key != nil {
			lane = affinity(key)
		}
	case methodStats:
		if key != nil {
			lane = affinity(key) // probes reach each lane in turn
		}
	}
	result, err := t.rt.Call(ctx, method, lane, payload)
	var lib *tether.LibraryError
	if errors.As(err, &lib) {
		return nil, &StoreError{Code: lib.Code, Message: lib.Message}
	}
	return result, err
}

// stats asks every lane for STATS (probing keys until as many distinct
// sessions as lanes have answered) and returns the last answer, whose
// counts are process-wide.
func (t *tetherStore) stats(ctx context.Context) (storeStats, error) {
	seen := map[uint32]bool{}
	var last storeStats
	for k := 0; len(seen) < t.lanes; k++ {
		if k > 100000 {
			return last, fmt.Errorf("only %d of %d lanes answered STATS", len(seen), t.lanes)
		}
		reply, err := t.Call(ctx, methodStats, []byte("probe"+strconv.Itoa(k)), nil)
		if err != nil {
			return last, fmt.Errorf("STATS: %w", err)
		}
		if last, err = parseStats(reply); err != nil {
			return last, err
		}
		seen[last.SessionID] = true
	}
	return last, nil
}

// Sessions is the number of sessions store-tether built since this runtime
// opened, after every lane has run at least one call.
func (t *tetherStore) Sessions(ctx context.Context) (uint64, error) {
	s, err := t.stats(ctx)
	return s.SessionsCreated - t.sessionsBefore, err
}

func (t *tetherStore) BusyAnswers(ctx context.Context) (uint64, error) {
	s, err := t.stats(ctx)
	return s.BusyAnswers, err
}

func (t *tetherStore) Name() string {
	name := fmt.Sprintf("tether, %d lanes", t.lanes)
	if t.lanes == 1 {
		name = "tether, 1 lane"
	}
	if t.keyedWrites {
		name += ", writes by key"
	}
	return name
}

// Close closes the runtime and fails unless tether's leak report at Close
// was empty.
func (t *tetherStore) Close() error {
	if err := t.rt.Close(); err != nil {
		return err
	}
	leaks, err := t.rt.LeakReport()
	if err != nil {
		return err
	}
	if leaks.Findings != 0 {
		return fmt.Errorf("%d leaks at Close:\n%s", leaks.Findings, leaks.Text)
	}
	return nil
}
