package tether

/*
#include <stdlib.h>
#include "tether/tether.h"
*/
import "C"

import (
	"fmt"
	"io"
	"os"
	"runtime"
)

// DumpRecording writes the runtime's recording to w: the boundary
// recorder's header line, then one JSON line per call each lane still
// remembers (method, key, payload length and digest, submitting thread,
// time queued and in the handler, outcome), by lane and then in the order
// the lane took them; with payloads, the captured payload bytes too (see
// Options.CaptureBytes). The format is tether's docs/recorder.md;
// tether-replay reads it. With an *os.File, tether writes to its
// descriptor directly; any other writer is fed through a pipe.
// Errors: ErrClosed once Close has begun (the recording goes with the
// runtime: set CaptureDir to keep one from a crash); ErrIO when writing
// fails.
// Thread safety: any goroutine, concurrently with calls.
func (r *Runtime) DumpRecording(w io.Writer, payloads bool) error {
	e, err := r.open()
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(r)
	if !e.enter() {
		return &Error{Code: ErrClosed.Code, Message: "the runtime is closing: its recording went with it"}
	}
	defer e.leave()
	flags := C.uint32_t(0)
	if payloads {
		flags = C.TETHER_RECORDER_PAYLOADS
	}
	if f, ok := w.(*os.File); ok {
		status := C.tether_recorder_dump(e.ptr(), C.int(f.Fd()), flags)
		runtime.KeepAlive(f)
		return statusError(status, "writing the recording to "+f.Name())
	}
	reader, writer, err := os.Pipe()
	if err != nil {
		return fmt.Errorf("tether: a pipe for the recording: %w", err)
	}
	copied := make(chan error, 1)
	go func() {
		_, err := io.Copy(w, reader)
		reader.Close()
		copied <- err
	}()
	status := C.tether_recorder_dump(e.ptr(), C.int(writer.Fd()), flags)
	writer.Close()
	copyErr := <-copied
	if err := statusError(status, "writing the recording"); err != nil {
		return err
	}
	if copyErr != nil {
		return fmt.Errorf("tether: copying the recording: %w", copyErr)
	}
	return nil
}
