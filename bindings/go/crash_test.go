package tether

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"tether.dev/tether/internal/nooplib"
)

// A crash cannot be observed from inside the process it ends, and the
// crash handler is never uninstalled: each scenario runs in a child, the
// test binary started again with crashChildEnv naming the scenario.
const crashChildEnv = "TETHER_GO_TEST_CRASH_CHILD"

var crashChildren = map[string]func(){
	"go-nil-dereference":            childGoNilDereference,
	"lane-fault":                    func() { childLaneFault(true) },
	"lane-fault-without-handler":    func() { childLaneFault(false) },
	"cgo-fault":                     childCgoFault,
	"nil-dereference-under-signals": childNilDereferenceUnderSignals,
	"leak-check-fail":               childLeakCheckFail,
}

func TestMain(m *testing.M) {
	if name := os.Getenv(crashChildEnv); name != "" {
		child, ok := crashChildren[name]
		if !ok {
			childFail("no such scenario")
		}
		child()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestGoNilDereferenceStaysARecoverablePanic(t *testing.T) {
	child := runCrashChild(t, "go-nil-dereference")
	child.wantExit(t, 0)
	child.wantOutput(t, "recovered: runtime error: invalid memory address or nil pointer dereference")
	child.wantNoOutput(t, "tether: fatal")
}

func TestLaneFaultIsReportedThenKillsTheProcessBySIGSEGV(t *testing.T) {
	child := runCrashChild(t, "lane-fault")
	child.wantSignal(t, syscall.SIGSEGV)
	ticket := child.ticket(t)
	child.wantInOrder(t,
		"nooplib: request "+ticket+" faults",
		"tether: fatal SIGSEGV (signal 11) on lane 0 of library 'nooplib', fault address 0x0",
		fmt.Sprintf("tether: call in flight: method %d, ticket %s", nooplib.MethodFault, ticket),
		"tether: first-hand frames",
		"(nooplib_store_through_null+",
		"tether: passing the signal on to the handler it replaced")
	// Go's handler, chained after the report, prints nothing for a thread
	// Go did not create: tether's report is the only record.
	child.wantNoOutput(t, "goroutine ")
}

func TestLaneFaultWithoutTheHandlerLeavesNoRecord(t *testing.T) {
	child := runCrashChild(t, "lane-fault-without-handler")
	child.wantSignal(t, syscall.SIGSEGV)
	child.wantOutput(t, "nooplib: request "+child.ticket(t)+" faults")
	child.wantNoOutput(t, "tether: fatal")
	child.wantNoOutput(t, "goroutine ")
}

func TestCgoFaultOnAGoThreadGetsGosCrashOutput(t *testing.T) {
	child := runCrashChild(t, "cgo-fault")
	child.wantExit(t, 2) // how Go exits after printing a fatal signal
	child.wantInOrder(t,
		"SIGSEGV: segmentation violation",
		"addr=0x0",
		"signal arrived during cgo execution",
		"goroutine 1 ",
		"nooplib.DirectFault")
	child.wantNoOutput(t, "tether: fatal")
}

func TestNilDereferenceStaysRecoverableUnderProfilingAndPreemption(t *testing.T) {
	child := runCrashChild(t, "nil-dereference-under-signals")
	child.wantExit(t, 0)
	child.wantOutput(t, "calls after the spinning succeeded; nothing leaked")
}

// crashChild is how a child scenario ended.
type crashChild struct {
	name   string
	status syscall.WaitStatus
	output string // stdout and stderr
}

// runCrashChild runs scenario in a child and waits up to 60 s for it.
func runCrashChild(t *testing.T, scenario string) crashChild {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("finding the test binary: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	// GOTRACEBACK=crash would turn Go's fatal errors into SIGABRT; under
	// the race detector a child that exits would sleep a second first.
	cmd.Env = append(os.Environ(), crashChildEnv+"="+scenario, "GOTRACEBACK=single",
		"GORACE="+strings.TrimSpace(os.Getenv("GORACE")+" atexit_sleep_ms=0"))
	var output bytes.Buffer
	cmd.Stdout = &output
	cmd.Stderr = &output
	err = cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("child %s did not finish within 60 s; its output:\n%s", scenario, output.String())
	}
	var exitErr *exec.ExitError
	if err != nil && !errors.As(err, &exitErr) {
		t.Fatalf("running child %s: %v", scenario, err)
	}
	return crashChild{
		name:   scenario,
		status: cmd.ProcessState.Sys().(syscall.WaitStatus),
		output: output.String(),
	}
}

func (c crashChild) wantExit(t *testing.T, code int) {
	t.Helper()
	if !c.status.Exited() || c.status.ExitStatus() != code {
		t.Fatalf("child %s ended with %s, want exit status %d; its output:\n%s", c.name, c.describe(), code, c.output)
	}
}

func (c crashChild) wantSignal(t *testing.T, sig syscall.Signal) {
	t.Helper()
	if !c.status.Signaled() || c.status.Signal() != sig {
		t.Fatalf("child %s ended with %s, want death by %v; its output:\n%s", c.name, c.describe(), sig, c.output)
	}
}

func (c crashChild) describe() string {
	if c.status.Signaled() {
		return "signal " + c.status.Signal().String()
	}
	return fmt.Sprintf("exit status %d", c.status.ExitStatus())
}

func (c crashChild) wantOutput(t *testing.T, text string) {
	t.Helper()
	if !strings.Contains(c.output, text) {
		t.Errorf("child %s did not write %q; its output:\n%s", c.name, text, c.output)
	}
}

func (c crashChild) wantNoOutput(t *testing.T, text string) {
	t.Helper()
	if strings.Contains(c.output, text) {
		t.Errorf("child %s wrote %q; its output:\n%s", c.name, text, c.output)
	}
}

// wantInOrder checks that the child wrote each text, each after the one
// before it.
func (c crashChild) wantInOrder(t *testing.T, texts ...string) {
	t.Helper()
	rest := c.output
	for _, text := range texts {
		at := strings.Index(rest, text)
		if at < 0 {
			t.Errorf("child %s did not write %q (in this order: %q); its output:\n%s", c.name, text, texts, c.output)
			return
		}
		rest = rest[at+len(text):]
	}
}

var faultingRequest = regexp.MustCompile(`nooplib: request (\d+) faults`)

// ticket returns the ticket of the request nooplib said it faults in.
func (c crashChild) ticket(t *testing.T) string {
	t.Helper()
	m := faultingRequest.FindStringSubmatch(c.output)
	if m == nil {
		t.Fatalf("child %s never reached the fault; its output:\n%s", c.name, c.output)
	}
	return m[1]
}

// The children. Each writes what the parent looks for to stderr, and on
// any unexpected turn calls childFail.

func childFail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "crash child %s: %s\n", os.Getenv(crashChildEnv), fmt.Sprintf(format, args...))
	os.Exit(1)
}

// installCrashHandler installs tether's handler and checks that SIGSEGV's
// handler changed, so no scenario passes with the handler missing, and
// that installing again changes nothing.
func installCrashHandler() {
	goHandler := segvHandler()
	if err := InstallCrashHandler(); err != nil {
		childFail("InstallCrashHandler: %v", err)
	}
	tetherHandler := segvHandler()
	if tetherHandler == goHandler {
		childFail("InstallCrashHandler left the SIGSEGV handler as it was")
	}
	if err := InstallCrashHandler(); err != nil || segvHandler() != tetherHandler {
		childFail("installing a second time: %v, SIGSEGV handler %#x (was %#x)", err, segvHandler(), tetherHandler)
	}
}

//go:noinline
func loadThrough(p *int) int { return *p }

// spin busy-loops for about a millisecond without a call, so that only a
// preemption signal can take the CPU from it.
//
//go:noinline
func spin() (sum uint64) {
	for i := uint64(0); i < 1<<20; i++ {
		sum += i
	}
	return sum
}

// recoverNilDereference dereferences a nil pointer and returns what
// recover saw.
func recoverNilDereference() (recovered any) {
	defer func() { recovered = recover() }()
	loadThrough(nil)
	return nil
}

func wantNilDereferencePanic(recovered any) runtime.Error {
	err, ok := recovered.(runtime.Error)
	if !ok || !strings.Contains(err.Error(), "nil pointer dereference") {
		childFail("a nil dereference recovered %v, want a runtime.Error", recovered)
	}
	return err
}

func childGoNilDereference() {
	installCrashHandler()
	err := wantNilDereferencePanic(recoverNilDereference())
	fmt.Fprintf(os.Stderr, "recovered: %v\n", err)
}

func childLaneFault(withHandler bool) {
	if withHandler {
		installCrashHandler()
	}
	rt, err := OpenLibrary(nooplib.Library(), nil)
	if err != nil {
		childFail("OpenLibrary: %v", err)
	}
	p := rt.Go(context.Background(), nooplib.MethodFault, AnyLane, nil)
	select {
	case <-p.Done():
		_, err := p.Result()
		childFail("the FAULT call returned (%v)", err)
	case <-time.After(30 * time.Second):
		childFail("the process outlived the fault by 30 s")
	}
}

func childCgoFault() {
	installCrashHandler()
	nooplib.DirectFault()
	childFail("DirectFault returned")
}

// childNilDereferenceUnderSignals runs 2,000 goroutines for a second, each
// spinning in a loop without calls, which the scheduler can only interrupt
// by sending SIGURG, and recovering a nil dereference between spins, while
// the CPU profiler sends SIGPROF. Then it makes tether calls, still
// profiled, and checks that nothing leaked.
func childNilDereferenceUnderSignals() {
	installCrashHandler()
	rt, err := OpenLibrary(nooplib.Library(), &Options{Lanes: 2})
	if err != nil {
		childFail("OpenLibrary: %v", err)
	}
	urgent := make(chan os.Signal, 1)
	signal.Notify(urgent, syscall.SIGURG)
	if err := pprof.StartCPUProfile(io.Discard); err != nil {
		childFail("StartCPUProfile: %v", err)
	}

	const spinners = 2000
	start := make(chan struct{})
	// The spinners watch the clock themselves: a main goroutine keeping
	// time would wait behind all of them to be scheduled again.
	var deadline time.Time
	var recovered atomic.Int64
	var spinning sync.WaitGroup
	for g := 0; g < spinners; g++ {
		spinning.Add(1)
		go func() {
			defer spinning.Done()
			<-start
			for time.Now().Before(deadline) {
				spin()
				wantNilDereferencePanic(recoverNilDereference())
				recovered.Add(1)
			}
		}()
	}
	deadline = time.Now().Add(time.Second)
	close(start)
	spinning.Wait()
	if n := recovered.Load(); n < 100 {
		childFail("only %d nil dereferences recovered in a second", n)
	}
	select {
	case <-urgent:
	case <-time.After(5 * time.Second):
		childFail("no SIGURG while %d goroutines spun", spinners)
	}
	fmt.Fprintf(os.Stderr, "recovered %d nil dereferences on %d spinning goroutines\n", recovered.Load(), spinners)

	for i := 0; i < 100; i++ {
		payload := []byte(fmt.Sprint("call ", i))
		got, err := rt.Call(context.Background(), nooplib.MethodEcho, AnyLane, payload)
		if err != nil || !bytes.Equal(got, payload) {
			childFail("ECHO after the spinning = %q, %v", got, err)
		}
	}
	pprof.StopCPUProfile()
	if err := rt.Close(); err != nil {
		childFail("Close: %v", err)
	}
	if report, err := rt.LeakReport(); err != nil || report.Findings != 0 {
		childFail("leak report at Close: %v\n%s", err, report.Text)
	}
	fmt.Fprintln(os.Stderr, "calls after the spinning succeeded; nothing leaked")
}
