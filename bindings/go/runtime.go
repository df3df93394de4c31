package tether

// #include <stdlib.h>
// #include "tether_go.h"
import "C"

import (
	"errors"
	"fmt"
	"log/slog"
	"math"
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Delivery says which tether thread hands a library's reply to the
// completion queue.
type Delivery int

const (
	// DeliverOnLane hands replies over on the lane that ran the call: the
	// lowest latency (TETHER_DELIVER_ON_LANE).
	DeliverOnLane Delivery = iota
	// DeliverOnThread hands replies over on tether's delivery thread, so
	// the lane goes back to the library at once (TETHER_DELIVER_ON_THREAD).
	DeliverOnThread
)

// DefaultCloseTimeout is how long Close lets calls in flight finish when
// Options.CloseTimeout is zero.
const DefaultCloseTimeout = 5 * time.Second

// AnyLane is the key that lets any lane take a call (TETHER_KEY_ANY).
const AnyLane = ^uint64(0)

// GrowthWatchOff, as Options.GrowthThreshold, turns the growth watch off.
const GrowthWatchOff = math.MaxUint64

// LeakCheck says what Close does when tether's leak report
// (tether_runtime_leak_report) is not empty as it frees the runtime.
type LeakCheck int

const (
	// LeakCheckLog writes the report to the log at WARN (the default,
	// TETHER_LEAK_CHECK_LOG).
	LeakCheckLog LeakCheck = iota
	// LeakCheckOff does nothing (TETHER_LEAK_CHECK_OFF).
	LeakCheckOff
	// LeakCheckFail logs the report, then aborts the process if the part
	// the runtime owns (calls in flight, completions never polled) is not
	// empty: for test suites (TETHER_LEAK_CHECK_FAIL). Buffers and handles
	// are process-wide and never abort. Go's signal handler reports an
	// abort as a SIGABRT crash and exits with status 2.
	LeakCheckFail
)

// Options configures a runtime. The zero value (or a nil *Options) means
// tether's defaults: one lane, 16384 calls in flight, replies delivered on
// the lane, the default completion wait, a growth threshold of 4096, the
// leak report logged at Close, and buffers left in their mode.
type Options struct {
	// Lanes is the number of threads running the library (1..256).
	Lanes int
	// PinLanes pins lane N to CPU N % ncpu.
	PinLanes bool
	// Deliver picks the thread that hands replies to the completion queue.
	Deliver Delivery
	// MaxCallsInFlight is the calls-in-flight credit (1..1048576): a call
	// holds it from submit until the binding takes its completion from
	// tether's queue. Over it, TryCall returns ErrBusy
	// and Call waits. The binding keeps a 16-byte slot per credit (plus up
	// to 4096 spare) to name calls in flight.
	MaxCallsInFlight int
	// MaxBytesInFlight is the payload-bytes-in-flight credit, returned with
	// the call credit; at least MaxPayloadBytes.
	MaxBytesInFlight uint64
	// MaxPayloadBytes is the largest payload one call may carry; a larger
	// one fails with ErrTooLarge.
	MaxPayloadBytes uint64
	// Spin is how long an idle lane spins before it parks; negative parks
	// at once.
	Spin time.Duration
	// CloseTimeout bounds how long Close waits for calls in flight before
	// ending them with ErrClosed (default DefaultCloseTimeout).
	CloseTimeout time.Duration
	// Wait picks how calls wait for their completions.
	Wait WaitStrategy
	// CallerSpin bounds how long a call spins for its own completion under
	// WaitSpinThenPark (default DefaultSpin); negative never spins.
	CallerSpin time.Duration
	// GrowthThreshold arms the growth watches (growth_threshold): a
	// watched count is logged at WARN once each time it reaches a
	// power-of-two boundary at or above this value, rounded up to a power
	// of two, and a boundary logs again only after the count fell to a
	// quarter of it. Tether watches its completion-queue backlogs and the
	// library's gauges from this value, and its calls in flight and lane
	// queue depths from max(this, MaxCallsInFlight); the binding watches
	// the results of calls started with Go that were never collected (see
	// Pending), logged through SetLogger's logger. 0 means 4096;
	// GrowthWatchOff turns the watches off.
	GrowthThreshold uint64
	// LeakCheck says what Close does with a non-empty tether leak report
	// (leak_check). The environment variable TETHER_LEAK_CHECK=off|log|fail
	// wins over it. It covers tether's findings only: results never
	// collected are Go's, and may still be read after Close.
	LeakCheck LeakCheck
	// BufferDebug switches tether buffers to debug mode (guards, fill
	// patterns, quarantine; see tether/buffer.h), process-wide, as the
	// runtime opens (buffer_debug). The environment variable TETHER_BUFFERS,
	// when set, wins over it. false leaves the mode as it is: a runtime
	// never switches buffers back to release mode.
	BufferDebug bool
	// RecorderEntries is how many records of the calls it took each lane
	// keeps (the boundary recorder, see DumpRecording), rounded up to a
	// power of two, at most 65536 (256 is a good start). 0 or RecorderOff
	// leaves it off, tether's default: it costs about 8% of a hot round
	// trip.
	// The environment variable TETHER_RECORDER=off|on|capture wins over it
	// and over CaptureBytes.
	RecorderEntries int
	// CaptureBytes is how many bytes of payloads each lane keeps, the
	// latest ones, so that tether-replay can send the calls again; 0 keeps
	// none. At most 1 GiB.
	CaptureBytes uint64
	// CaptureMaxPayload is the largest payload captured (0 means 4096); at
	// most CaptureBytes.
	CaptureMaxPayload uint32
	// CaptureDir is where a crash on a lane writes the runtime's recording,
	// with its payloads, as tether-capture-<pid>-<runtime>.jsonl (the crash
	// report names the file; see InstallCrashHandler). Empty: no file. The
	// environment variable TETHER_CAPTURE_DIR wins over it.
	CaptureDir string
}

// RecorderOff, as Options.RecorderEntries, turns the recorder off.
const RecorderOff = -1

// Runtime is a library served by tether on lanes it owns. Open one with
// OpenPath or OpenLibrary, call it from any number of goroutines, and Close
// it when done (a finalizer closes a Runtime that is dropped unclosed).
//
// Thread safety: every method may be called from any goroutine, Close
// included, concurrently with calls in flight.
type Runtime struct {
	e *engine
}

// engine owns the C runtime handle and everything calls share. It is kept
// apart from Runtime so that the completion goroutine, which holds the
// engine, does not keep an abandoned Runtime reachable.
type engine struct {
	rt *C.tether_runtime // nil once destroyed
	// destroy frees rt (tether_runtime_destroy); the tests replace it to
	// see what Close does when tether refuses.
	destroy func(*C.tether_runtime) C.tether_status
	q       *completionQueue
	drain   drainer      // who takes completions from q
	spin    *spinBudgets // how long callers may spin, per method
	callers atomic.Int64 // goroutines inside Call or TryCall, when callers may spin
	slab    *slab
	gate    creditGate
	lanes   int

	// users counts C calls using rt right now; closedBit is set by Close.
	users        atomic.Int64
	closeTimeout time.Duration
	closeOnce    sync.Once
	closeErr     error
	drained      chan struct{} // closed when the completion goroutine exits
	// wakeupsByTimeout counts netpoller waits that ended by their time
	// limit rather than by the eventfd.
	wakeupsByTimeout atomic.Int64
	// closeLeaks is the leak report Close took just before freeing the
	// handle; nil until then.
	closeLeaks atomic.Pointer[leakOutcome]
	// results counts the outcomes of Go calls not yet read.
	results *uncollected

	calls sync.Pool // *callState for Call, reused once the caller is done
}

const closedBit = int64(1) << 62

// errClosed is returned by every call on a closed Runtime.
var errClosed = &Error{Code: ErrClosed.Code, Message: "the runtime is closed"}

// OpenPath opens a runtime serving the library at path (loaded with
// dlopen) whose exported function symbol returns its tether_library table.
// Blocks until every lane has started. The error of a failed open names
// the path or symbol and why (it matches ErrLoad).
func OpenPath(path, symbol string, opts *Options) (*Runtime, error) {
	cpath, csymbol := C.CString(path), C.CString(symbol)
	defer C.free(unsafe.Pointer(cpath))
	defer C.free(unsafe.Pointer(csymbol))
	return open(opts, func(config *C.tether_runtime_config, rt **C.tether_runtime, why **C.char) C.tether_status {
		return C.tether_runtime_open_path(cpath, csymbol, config, rt, why)
	})
}

// OpenLibrary opens a runtime serving a library linked into the process.
// library is a `const tether_library*` (C memory, e.g. what the library's
// entry function returns) and must stay valid while the runtime is open.
// Blocks until every lane has started.
func OpenLibrary(library unsafe.Pointer, opts *Options) (*Runtime, error) {
	if library == nil {
		return nil, &Error{Code: ErrInvalidArgument.Code, Message: "OpenLibrary: nil library table"}
	}
	return open(opts, func(config *C.tether_runtime_config, rt **C.tether_runtime, why **C.char) C.tether_status {
		return C.tether_runtime_open((*C.tether_library)(library), config, rt, why)
	})
}

type openFunc func(*C.tether_runtime_config, **C.tether_runtime, **C.char) C.tether_status

func open(opts *Options, openC openFunc) (*Runtime, error) {
	if opts == nil {
		opts = &Options{}
	}
	config, err := opts.config()
	if err != nil {
		return nil, err
	}
	var rt *C.tether_runtime
	var why *C.char
	if status := openC(config, &rt, &why); status != C.TETHER_OK {
		freeConfig(config)
		return nil, statusError(status, takeString(why))
	}
	maxCalls := int(config.max_calls_in_flight)
	growthThreshold := uint64(config.growth_threshold)
	freeConfig(config)

	e := &engine{
		rt:           rt,
		destroy:      func(rt *C.tether_runtime) C.tether_status { return C.tether_runtime_destroy(rt) },
		slab:         newSlab(maxCalls + min(maxCalls, 4096)),
		lanes:        int(C.tether_runtime_lanes(rt)),
		closeTimeout: opts.CloseTimeout,
		drained:      make(chan struct{}),
		results:      newUncollected(growthThreshold),
	}
	if e.closeTimeout <= 0 {
		e.closeTimeout = DefaultCloseTimeout
	}
	e.calls.New = func() any { return newCallState(false) }
	spin := time.Duration(0)
	switch opts.Wait {
	case WaitDefault, WaitSpinThenPark:
		spin = DefaultSpin
		if opts.CallerSpin != 0 {
			spin = max(opts.CallerSpin, 0)
		}
		// The completion goroutine spins too: it wakes only for calls
		// whose callers parked, mostly because others were waiting, and
		// then more completions are on their way.
		e.drain.drainerSpin = DrainerSpin
	case WaitDrainerSpins:
		e.drain.drainerSpin = DrainerSpin
	}
	e.spin = newSpinBudgets(spin)
	e.drain.callerSpin = spin > 0
	q, err := openCompletionQueue(rt)
	if err == nil {
		err = e.startDraining(q, opts.Wait)
	}
	if err != nil {
		if q != nil {
			q.destroy()
		}
		if status := C.tether_runtime_destroy(rt); status != C.TETHER_OK {
			err = errors.Join(err, statusError(status, "freeing the runtime after the failed open (not freed)"))
		}
		return nil, err
	}
	r := &Runtime{e: e}
	runtime.SetFinalizer(r, func(r *Runtime) { go r.e.closeForFinalizer() })
	return r, nil
}

// freeConfig frees a config from Options.config and the string it holds.
func freeConfig(config *C.tether_runtime_config) {
	C.free(unsafe.Pointer(config.capture_dir))
	C.free(unsafe.Pointer(config))
}

// config builds a C config (C memory: the caller frees it with freeConfig)
// from o.
func (o *Options) config() (*C.tether_runtime_config, error) {
	config := (*C.tether_runtime_config)(C.malloc(C.sizeof_tether_runtime_config))
	C.tether_runtime_config_init(config)
	invalid := func(format string, args ...any) (*C.tether_runtime_config, error) {
		C.free(unsafe.Pointer(config))
		return nil, &Error{Code: ErrInvalidArgument.Code, Message: fmt.Sprintf(format, args...)}
	}
	if o.Lanes < 0 || o.MaxCallsInFlight < 0 {
		return invalid("Options: Lanes (%d) and MaxCallsInFlight (%d) must not be negative", o.Lanes, o.MaxCallsInFlight)
	}
	if o.Wait < 0 || o.Wait > WaitDrainerSpins {
		return invalid("Options: unknown Wait strategy %d", o.Wait)
	}
	if o.Lanes > 0 {
		config.lanes = C.uint32_t(o.Lanes)
	}
	if o.PinLanes {
		config.pin_lanes = 1
	}
	switch o.Deliver {
	case DeliverOnLane:
		config.deliver = C.TETHER_DELIVER_ON_LANE
	case DeliverOnThread:
		config.deliver = C.TETHER_DELIVER_ON_THREAD
	default:
		return invalid("Options: unknown Deliver %d", o.Deliver)
	}
	if o.MaxCallsInFlight > 0 {
		config.max_calls_in_flight = C.uint32_t(min(o.MaxCallsInFlight, 1<<31))
	}
	if o.MaxBytesInFlight > 0 {
		config.max_bytes_in_flight = C.uint64_t(o.MaxBytesInFlight)
	}
	if o.MaxPayloadBytes > 0 {
		config.max_payload_bytes = C.uint64_t(o.MaxPayloadBytes)
	}
	switch {
	case o.Spin < 0:
		config.spin_ns = 0
	case o.Spin > 0:
		config.spin_ns = C.uint64_t(o.Spin)
	}
	if o.GrowthThreshold > 0 {
		config.growth_threshold = C.uint64_t(o.GrowthThreshold)
	}
	switch o.LeakCheck {
	case LeakCheckLog:
		config.leak_check = C.TETHER_LEAK_CHECK_LOG
	case LeakCheckOff:
		config.leak_check = C.TETHER_LEAK_CHECK_OFF
	case LeakCheckFail:
		config.leak_check = C.TETHER_LEAK_CHECK_FAIL
	default:
		return invalid("Options: unknown LeakCheck %d", o.LeakCheck)
	}
	if o.BufferDebug {
		config.buffer_debug = 1
	}
	switch {
	case o.RecorderEntries == RecorderOff:
		config.recorder_entries = 0
	case o.RecorderEntries < 0 || o.RecorderEntries > 1<<16:
		return invalid("Options: RecorderEntries %d is not RecorderOff or 0..65536", o.RecorderEntries)
	case o.RecorderEntries > 0:
		config.recorder_entries = C.uint32_t(o.RecorderEntries)
	}
	config.capture_bytes = C.uint64_t(o.CaptureBytes)
	if o.CaptureMaxPayload > 0 {
		config.capture_max_payload = C.uint32_t(o.CaptureMaxPayload)
	}
	if o.CaptureDir != "" {
		config.capture_dir = C.CString(o.CaptureDir) // tether copies it at open
	}
	return config, nil
}

// Lanes returns the number of lanes the runtime runs (0 once closed).
func (r *Runtime) Lanes() int {
	if r == nil || r.e == nil || r.e.users.Load()&closedBit != 0 {
		return 0
	}
	return r.e.lanes
}

// Close stops intake, lets calls in flight finish for up to
// Options.CloseTimeout, ends the rest with ErrClosed, then frees the
// runtime. Every call in flight returns exactly once, with its result or
// ErrClosed. Idempotent: later (or concurrent) calls wait for the first
// and return nil. Blocks until the lanes have stopped.
//
// Errors: when tether refuses to free the runtime (tether_runtime_destroy
// returns other than TETHER_OK: ErrWouldDeadlock, ErrForked), Close
// returns that status as an *Error saying the runtime was not freed; its
// calls have still all ended, and the Runtime is closed. Called on one of
// the runtime's own threads (a log handler running on a lane), Close
// returns ErrWouldDeadlock at once and finishes in the background,
// logging (see SetLogger) any error it meets there. A finalizer that
// closes a dropped Runtime logs its error the same way, at ERROR.
func (r *Runtime) Close() error {
	if r == nil || r.e == nil {
		return nil
	}
	runtime.SetFinalizer(r, nil)
	return r.e.close()
}

// open returns the engine of a Runtime that was opened (closed or not).
func (r *Runtime) open() (*engine, error) {
	if r == nil || r.e == nil {
		return nil, &Error{Code: ErrClosed.Code, Message: "nil *Runtime (use OpenPath or OpenLibrary)"}
	}
	return r.e, nil
}

// ptr returns the C handle. It panics once the runtime is destroyed: every
// caller must hold an enter() around its use.
func (e *engine) ptr() *C.tether_runtime {
	if e.rt == nil {
		panic("tether: use of a closed Runtime")
	}
	return e.rt
}

// enter registers a C call that will use the handle; false once Close has
// begun. Each true enter is paired with one leave.
func (e *engine) enter() bool {
	if e.users.Add(1)&closedBit != 0 {
		e.users.Add(-1)
		return false
	}
	return true
}

func (e *engine) leave() { e.users.Add(-1) }

// closeForFinalizer closes a Runtime dropped without Close. Nobody is
// left to return an error to, so it is logged.
func (e *engine) closeForFinalizer() {
	if err := e.close(); err != nil {
		logLine(slog.LevelError, "the finalizer closing a Runtime dropped without Close failed: "+err.Error())
	}
}

// close shuts the runtime down and frees it, once.
func (e *engine) close() error {
	first := false
	e.closeOnce.Do(func() {
		first = true
		e.closeErr = e.shutdown()
	})
	if first {
		return e.closeErr
	}
	return nil
}

func (e *engine) shutdown() error {
	e.users.Add(closedBit)
	e.gate.releaseAll() // waiters for credit retry, and see the runtime closed
	status := C.tether_runtime_shutdown(e.rt, C.TETHER_SHUTDOWN_DRAIN, C.uint64_t(e.closeTimeout))
	if status == C.TETHER_E_WOULD_DEADLOCK {
		// Called from one of the runtime's own threads (a log handler on a
		// lane): finish from a goroutine, which never runs there.
		go func() {
			status := C.tether_runtime_shutdown(e.rt, C.TETHER_SHUTDOWN_DRAIN, C.uint64_t(e.closeTimeout))
			if err := e.finishShutdown(status); err != nil {
				logLine(slog.LevelError, "Close, finishing in the background, failed: "+err.Error())
			}
		}()
		return &Error{Code: int32(status), Message: "Close called on one of the runtime's own threads; it finishes in the background"}
	}
	return e.finishShutdown(status)
}

// finishShutdown runs once tether_runtime_shutdown has returned: every
// call has completed into the queue. It lets the completion goroutine hand
// out the last of them, waits for C calls still using the handle, and
// frees the queue and the runtime. A refused destroy is returned (joined
// to a shutdown error, if any); the handle is dropped either way.
func (e *engine) finishShutdown(status C.tether_status) error {
	err := statusError(status, "shutting down")
	if errors.Is(err, ErrClosed) {
		err = nil
	}
	e.q.shutdown()
	if !e.drain.owned {
		// Every call has completed into the queue; a caller that found the
		// runtime closing could not arm it, so take what is there now.
		e.drain.mu.Lock()
		e.armQueue()
		e.q.flush()
		e.drain.mu.Unlock()
	}
	<-e.drained
	for e.users.Load() != closedBit {
		time.Sleep(20 * time.Microsecond) // a submit or cancel returning CLOSED
	}
	e.q.destroy()
	report, reportErr := leakReport(e.rt)
	e.closeLeaks.Store(&leakOutcome{report, reportErr})
	if status := e.destroy(e.rt); status != C.TETHER_OK {
		// Nothing was freed: the handle (and its memory) is abandoned,
		// as no caller could do better with it.
		refused := statusError(status, "tether_runtime_destroy refused: the runtime was not freed")
		if err == nil {
			err = refused
		} else {
			err = errors.Join(err, refused)
		}
	}
	e.rt = nil
	return err
}

// LeakReport is what was found alive that someone should have let go of:
// tether's report (tether_runtime_leak_report) and the binding's count of
// results never collected.
type LeakReport struct {
	// Findings counts the runtime's calls in flight, completions pushed to
	// its completion queue and never polled, and outcomes of calls started
	// with Go that no Result call has read; and the process's live tether
	// buffers and live handles.
	Findings uint64
	// Text names each kind of finding on a line of its own (live buffers
	// by allocation site, handles by type); "" when Findings is 0.
	Text string
}

type leakOutcome struct {
	report LeakReport
	err    error
}

// LeakReport reports what is still alive: calls in flight, completions
// pushed to the runtime's completion queue and not yet polled, outcomes of
// calls started with Go whose Pending.Result was never called (held in Go
// memory, invisible to tether), and, process-wide, live tether buffers
// (results or errors never freed) and live handles. Tether buffers and
// handles of other runtimes, and any a library hands out, count too, so an
// empty report means the whole process let go of everything.
//
// On an open runtime it is read now, one count at a time, so it may show
// a call the completion goroutine is still handing out. After Close it
// returns the report tether gave once every call had ended and the
// binding's own buffers were freed, just before the runtime was freed (the
// report to check in a test), plus the outcomes not collected now: a
// Pending may still be read after Close. While Close is running it returns
// an error matching ErrClosed.
// Thread safety: any goroutine.
func (r *Runtime) LeakReport() (LeakReport, error) {
	e, err := r.open()
	if err != nil {
		return LeakReport{}, err
	}
	defer runtime.KeepAlive(r)
	if e.enter() {
		report, err := leakReport(e.ptr())
		e.leave()
		if err != nil {
			return LeakReport{}, err
		}
		return e.results.addTo(report), nil
	}
	if final := e.closeLeaks.Load(); final != nil {
		if final.err != nil {
			return LeakReport{}, final.err
		}
		return e.results.addTo(final.report), nil
	}
	return LeakReport{}, &Error{Code: ErrClosed.Code, Message: "the runtime is closing: its leak report is taken as Close finishes"}
}

// leakReport asks tether for rt's leak report.
func leakReport(rt *C.tether_runtime) (LeakReport, error) {
	var text *C.char
	var findings C.uint64_t
	status := C.tether_runtime_leak_report(rt, &text, &findings)
	report := LeakReport{Findings: uint64(findings), Text: takeString(text)}
	if err := statusError(status, "reading the leak report"); err != nil {
		return LeakReport{}, err
	}
	return report, nil
}
