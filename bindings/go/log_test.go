package tether

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// recordingHandler keeps the messages it is given.
type recordingHandler struct {
	mu       sync.Mutex
	level    slog.Level
	messages []string
	panics   bool
}

func (h *recordingHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= h.level }
func (h *recordingHandler) Handle(_ context.Context, r slog.Record) error {
	if h.panics {
		panic("handler exploded")
	}
	h.mu.Lock()
	h.messages = append(h.messages, r.Level.String()+" "+r.Message)
	h.mu.Unlock()
	return nil
}
func (h *recordingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *recordingHandler) WithGroup(string) slog.Handler      { return h }

func (h *recordingHandler) all() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return strings.Join(h.messages, "\n")
}

func TestLogLinesReachSlog(t *testing.T) {
	h := &recordingHandler{level: slog.LevelWarn}
	if err := SetLogger(slog.New(h)); err != nil {
		t.Fatal(err)
	}
	defer SetLogger(nil)
	logTestLine()
	if got := h.all(); !strings.Contains(got, "WARN") {
		t.Fatalf("expected a WARN line about the foreign pointer, got %q", got)
	}
}

func TestLogLevelsBelowTheHandlersAreNotSent(t *testing.T) {
	h := &recordingHandler{level: slog.LevelError}
	if err := SetLogger(slog.New(h)); err != nil {
		t.Fatal(err)
	}
	defer SetLogger(nil)
	logTestLine() // WARN
	if got := h.all(); got != "" {
		t.Fatalf("an ERROR-level handler received %q", got)
	}
}

func TestLogPanickingHandlerDoesNotCrash(t *testing.T) {
	h := &recordingHandler{level: slog.LevelDebug, panics: true}
	if err := SetLogger(slog.New(h)); err != nil {
		t.Fatal(err)
	}
	defer SetLogger(nil)
	logTestLine() // recovered inside the trampoline
	h.panics = false
	logTestLine()
	if h.all() == "" {
		t.Fatal("the sink stopped working after a handler panic")
	}
}

func TestLogNilRestoresDefault(t *testing.T) {
	var buf bytes.Buffer
	if err := SetLogger(slog.New(slog.NewTextHandler(&buf, nil))); err != nil {
		t.Fatal(err)
	}
	if err := SetLogger(nil); err != nil {
		t.Fatal(err)
	}
	logTestLine() // goes to stderr now
	if buf.Len() != 0 {
		t.Fatalf("the removed logger still received %q", buf.String())
	}
}
