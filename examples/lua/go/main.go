// Command lua-host runs Lua scripts through tether from thousands of
// goroutines: the Lua example library (examples/lua) keeps one Lua 5.4 VM
// per lane, and each goroutine drives a session whose state lives in the
// VM its key selects. GOMAXPROCS is small, so goroutines keep moving
// between OS threads; the VMs never do. At the end it checks what tether
// promises: the library saw no call on a thread other than its VM's lane
// (thread violations 0), it made one VM per lane (VMs == lanes), every
// session's state stayed on one VM, a runaway script was stopped by its
// budget and a late one by its deadline, and nothing leaked at Close.
//
//	lua-host -library path/to/libtether_lua.so [-goroutines 2000] [-calls 20] [-lanes 4]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"log/slog"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"tether.dev/tether"
)

// The script every lane loads: sessions whose state lives in this VM.
const sessionScript = `
sessions = {}

function touch(session, n)
  local s = sessions[session]
  if s == nil then
    s = {count = 0}
    sessions[session] = s
  end
  s.count = s.count + 1
  if s.count ~= n then
    error(string.format("session %s: call %d seen as call %d on lane %d",
                        session, n, s.count, tether.lane))
  end
  return s.count, tether.lane
end

function session_count()
  local n = 0
  for _ in pairs(sessions) do n = n + 1 end
  return n
end

function square(x) return x * x end

function spin() while true do end end
`

func main() {
	library := flag.String("library", os.Getenv("TETHER_LUA_MODULE"), "path to the Lua library (libtether_lua.so)")
	goroutines := flag.Int("goroutines", 2000, "goroutines, one session each")
	calls := flag.Int("calls", 20, "calls per session")
	lanes := flag.Int("lanes", 4, "tether lanes, one Lua VM each")
	procs := flag.Int("gomaxprocs", 2, "GOMAXPROCS while the goroutines run")
	flag.Parse()
	if *library == "" {
		fmt.Fprintln(os.Stderr, "lua-host: give -library or set TETHER_LUA_MODULE")
		os.Exit(2)
	}
	if err := run(*library, *goroutines, *calls, *lanes, *procs); err != nil {
		fmt.Fprintln(os.Stderr, "lua-host:", err)
		os.Exit(1)
	}
}

// info is the INFO reply: process-wide counters and the answering lane's.
type info struct {
	lane, calls, violations, created, alive int64
}

func getInfo(ctx context.Context, rt *tether.Runtime, key uint64) (info, error) {
	reply, err := rt.Call(ctx, methodInfo, key, nil)
	if err != nil {
		return info{}, fmt.Errorf("INFO: %w", err)
	}
	v, err := integers(reply)
	if err != nil || len(v) != 5 {
		return info{}, fmt.Errorf("INFO reply %v: %v", v, err)
	}
	return info{v[0], v[1], v[2], v[3], v[4]}, nil
}

// laneKeys finds one key per lane, asking INFO which lane a key reaches.
func laneKeys(ctx context.Context, rt *tether.Runtime, lanes int) ([]uint64, error) {
	keys := make([]uint64, lanes)
	found := 0
	seen := make([]bool, lanes)
	for key := uint64(0); found < lanes; key++ {
		if key > 100000 {
			return nil, fmt.Errorf("only %d of %d lanes answered INFO", found, lanes)
		}
		in, err := getInfo(ctx, rt, key)
		if err != nil {
			return nil, err
		}
		if !seen[in.lane] {
			seen[in.lane] = true
			keys[in.lane] = key
			found++
		}
	}
	return keys, nil
}

// sessionKey is a session's tether key: FNV-1a of its name, top bit
// cleared (so never tether.AnyLane).
func sessionKey(session string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(session))
	return h.Sum64() &^ (1 << 63)
}

func run(library string, goroutines, calls, lanes, procs int) error {
	tether.SetLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})))
	defer tether.SetLogger(nil)
	rt, err := tether.OpenPath(library, luaEntrySymbol, &tether.Options{Lanes: lanes, MaxCallsInFlight: 1024})
	if err != nil {
		return err
	}
	defer rt.Close()
	ctx := context.Background()

	keys, err := laneKeys(ctx, rt, lanes)
	if err != nil {
		return err
	}
	for lane, key := range keys {
		if _, err := rt.Call(ctx, methodLoad, key, loadPayload("sessions.lua", sessionScript)); err != nil {
			return fmt.Errorf("LOAD on lane %d: %w", lane, err)
		}
	}

	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
	var done, failures atomic.Int64
	laneOf := make([]int64, goroutines)
	var wg sync.WaitGroup
	start := time.Now()
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			lane, err := session(ctx, rt, g, calls, &done)
			if err != nil {
				if failures.Add(1) <= 5 {
					fmt.Fprintf(os.Stderr, "goroutine %d: %v\n", g, err)
				}
				return
			}
			laneOf[g] = lane
		}(g)
	}
	wg.Wait()
	elapsed := time.Since(start)
	if failures.Load() > 0 {
		return fmt.Errorf("%d of %d sessions failed", failures.Load(), goroutines)
	}
	fmt.Printf("%d goroutines × %d calls: %d calls in %v (%.0f calls/s) on %d lanes, GOMAXPROCS %d\n",
		goroutines, calls, done.Load(), elapsed.Round(time.Millisecond),
		float64(done.Load())/elapsed.Seconds(), lanes, procs)

	if err := stops(ctx, rt, keys[0]); err != nil {
		return err
	}

	perLane := make([]int64, lanes)
	for _, lane := range laneOf {
		perLane[lane]++
	}
	var held int64
	var last info
	for lane, key := range keys {
		reply, err := rt.Call(ctx, methodCall, key, callPayload(0, "session_count"))
		if err != nil {
			return fmt.Errorf("session_count on lane %d: %w", lane, err)
		}
		n, err := integers(reply)
		if err != nil || len(n) != 1 {
			return fmt.Errorf("session_count reply %v: %v", n, err)
		}
		if n[0] != perLane[lane] {
			return fmt.Errorf("lane %d's VM holds %d sessions, %d ran there", lane, n[0], perLane[lane])
		}
		held += n[0]
		if last, err = getInfo(ctx, rt, key); err != nil {
			return err
		}
	}
	fmt.Printf("sessions: %d, each kept on one VM (per lane: %v)\n", held, perLane)
	fmt.Printf("Lua VMs: %d created, %d alive, for %d lanes; thread violations: %d\n",
		last.created, last.alive, lanes, last.violations)
	if held != int64(goroutines) {
		return fmt.Errorf("the VMs hold %d sessions, %d were run", held, goroutines)
	}
	if last.violations != 0 {
		return fmt.Errorf("%d entries into a VM off its lane", last.violations)
	}
	if last.created != int64(lanes) || last.alive != int64(lanes) {
		return fmt.Errorf("%d VMs created (%d alive) for %d lanes", last.created, last.alive, lanes)
	}

	if err := rt.Close(); err != nil {
		return err
	}
	leaks, err := rt.LeakReport()
	if err != nil {
		return err
	}
	if leaks.Findings != 0 {
		return fmt.Errorf("%d leaks at Close:\n%s", leaks.Findings, leaks.Text)
	}
	fmt.Println("ok: VMs == lanes, 0 thread violations, every session on one VM, nothing leaked")
	return nil
}

// session drives one session: `calls` keyed calls, each of which the VM
// must see as the next one of this session. Unkeyed calls in between may
// run on any lane. Returns the lane the session lives on.
func session(ctx context.Context, rt *tether.Runtime, g, calls int, done *atomic.Int64) (int64, error) {
	name := "session-" + strconv.Itoa(g)
	key := sessionKey(name)
	lane := int64(-1)
	for i := 1; i <= calls; i++ {
		reply, err := rt.Call(ctx, methodCall, key, callPayload(0, "touch", name, i))
		if err != nil {
			return 0, fmt.Errorf("touch %d: %w", i, err)
		}
		v, err := integers(reply)
		if err != nil || len(v) != 2 || v[0] != int64(i) {
			return 0, fmt.Errorf("touch %d replied %v (%v)", i, v, err)
		}
		if lane >= 0 && v[1] != lane {
			return 0, fmt.Errorf("call %d ran on lane %d, the session lives on lane %d", i, v[1], lane)
		}
		lane = v[1]
		if i%5 == 0 {
			reply, err := rt.Call(ctx, methodCall, tether.AnyLane, callPayload(0, "square", g))
			if err != nil {
				return 0, fmt.Errorf("square: %w", err)
			}
			if v, err := integers(reply); err != nil || len(v) != 1 || v[0] != int64(g)*int64(g) {
				return 0, fmt.Errorf("square(%d) replied %v (%v)", g, v, err)
			}
			done.Add(1)
		}
		done.Add(1)
		runtime.Gosched()
	}
	return lane, nil
}

// stops checks that a runaway script cannot pin a lane: past its budget
// it is stopped with a library error, past its deadline with tether's, and
// the lane answers again at once.
func stops(ctx context.Context, rt *tether.Runtime, key uint64) error {
	_, err := rt.Call(ctx, methodCall, key, callPayload(1000000, "spin"))
	var lib *tether.LibraryError
	if !errors.As(err, &lib) || lib.Code != errBudget || !strings.Contains(lib.Message, "ran past its budget of 1000000 instructions") {
		return fmt.Errorf("spin with a budget of 10^6 instructions: %v, want a budget error", err)
	}
	fmt.Printf("runaway script, budget 10^6 instructions: stopped (%s)\n", firstLine(lib.Message))

	deadline, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
	defer cancel()
	// A budget no script reaches in time: only the deadline can stop it.
	_, err = rt.Call(deadline, methodCall, key, callPayload(1<<62, "spin"))
	if !errors.Is(err, tether.ErrDeadline) {
		return fmt.Errorf("spin past its deadline: %v, want tether.ErrDeadline", err)
	}
	if _, err := getInfo(ctx, rt, key); err != nil {
		return fmt.Errorf("the lane after a stopped script: %w", err)
	}
	fmt.Println("runaway script, 20 ms deadline: stopped (TETHER_E_DEADLINE), lane free again")
	return nil
}

func firstLine(s string) string {
	for i := 0; i < len(s); i++ {
		if s[i] == '\n' {
			return s[:i]
		}
	}
	return s
}
