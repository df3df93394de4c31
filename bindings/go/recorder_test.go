package tether

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"tether.dev/tether/internal/nooplib"
)

// recordingLines decodes a recording's lines as JSON objects.
func recordingLines(t *testing.T, text []byte) []map[string]any {
	t.Helper()
	var lines []map[string]any
	scanner := bufio.NewScanner(bytes.NewReader(text))
	scanner.Buffer(make([]byte, 1<<20), 1<<20)
	for scanner.Scan() {
		var line map[string]any
		if err := json.Unmarshal(scanner.Bytes(), &line); err != nil {
			t.Fatalf("line %q is not JSON: %v", scanner.Text(), err)
		}
		lines = append(lines, line)
	}
	return lines
}

func TestDumpRecordingHasALinePerCallWithItsPayload(t *testing.T) {
	rt := openNoop(t, &Options{RecorderEntries: 256, CaptureBytes: 1 << 16})
	payload := []byte("recorded from Go")
	if _, err := rt.Call(background, nooplib.MethodEcho, 12, payload); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := rt.DumpRecording(&out, true); err != nil {
		t.Fatal(err)
	}
	lines := recordingLines(t, out.Bytes())
	if len(lines) != 2 {
		t.Fatalf("recording = %s, want a header and one call", out.String())
	}
	if lines[0]["format"] != "tether-recording" || lines[0]["version"] != 1.0 {
		t.Errorf("header = %v", lines[0])
	}
	call := lines[1]
	if call["method"] != float64(nooplib.MethodEcho) || call["key"] != 12.0 ||
		call["len"] != float64(len(payload)) || call["outcome"] != "done" || call["status"] != 0.0 {
		t.Errorf("record = %v", call)
	}
	if call["payload"] != hex.EncodeToString(payload) {
		t.Errorf("payload = %v, want %x", call["payload"], payload)
	}
}

func TestDumpRecordingToAFileWritesItsDescriptor(t *testing.T) {
	rt := openNoop(t, &Options{RecorderEntries: 256})
	if _, err := rt.Call(background, nooplib.MethodNoop, AnyLane, nil); err != nil {
		t.Fatal(err)
	}
	f, err := os.CreateTemp(t.TempDir(), "recording")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := rt.DumpRecording(f, false); err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(f.Name())
	if err != nil {
		t.Fatal(err)
	}
	if lines := recordingLines(t, text); len(lines) != 2 || lines[1]["payload"] != nil {
		t.Errorf("recording = %s, want one call without its payload", text)
	}
}

func TestRecorderOffDumpsTheHeaderAlone(t *testing.T) {
	rt := openNoop(t, nil) // off by default
	if _, err := rt.Call(background, nooplib.MethodNoop, AnyLane, nil); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := rt.DumpRecording(&out, true); err != nil {
		t.Fatal(err)
	}
	if lines := recordingLines(t, out.Bytes()); len(lines) != 1 || lines[0]["entries"] != 0.0 {
		t.Errorf("recording = %s, want the header alone", out.String())
	}
}

func TestDumpRecordingToAReadOnlyFileIsErrIO(t *testing.T) {
	rt := openNoop(t, nil)
	f, err := os.Open(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := rt.DumpRecording(f, false); !errors.Is(err, ErrIO) {
		t.Fatalf("DumpRecording to a read-only file = %v, want ErrIO", err)
	}
}

func TestDumpRecordingAfterCloseIsErrClosed(t *testing.T) {
	rt, err := OpenLibrary(nooplib.Library(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := rt.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rt.DumpRecording(&bytes.Buffer{}, false); !errors.Is(err, ErrClosed) {
		t.Fatalf("DumpRecording after Close = %v, want ErrClosed", err)
	}
}

func TestRecorderOptionsOutOfRangeAreRefused(t *testing.T) {
	for _, opts := range []*Options{
		{RecorderEntries: -2},
		{RecorderEntries: 1<<16 + 1},
		{CaptureBytes: 100, CaptureMaxPayload: 101},
	} {
		rt, err := OpenLibrary(nooplib.Library(), opts)
		if err == nil {
			rt.Close()
		}
		if !errors.Is(err, ErrInvalidArgument) {
			t.Errorf("OpenLibrary(%+v) = %v, want ErrInvalidArgument", opts, err)
		} else if !strings.Contains(err.Error(), "Recorder") && !strings.Contains(err.Error(), "capture") {
			t.Errorf("the error %q does not name the setting", err)
		}
	}
}
