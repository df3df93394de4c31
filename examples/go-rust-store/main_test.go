package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"tether.dev/tether"
)

// testDir holds the databases; the shim's outlives the test that opened it
// (it is open for the whole process).
var testDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "go-rust-store-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	testDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	shimOnce   sync.Once
	sharedShim *shimStore
	shimErr    error
)

// theShim opens the shim for the process on first use.
func theShim(t *testing.T) *shimStore {
	path := library(t, "STORE_SHIM_LIBRARY")
	shimOnce.Do(func() {
		sharedShim, shimErr = openShim(path, filepath.Join(testDir, "shim.sqlite"), testBusyTimeout)
	})
	if shimErr != nil {
		t.Fatal(shimErr)
	}
	return sharedShim
}

// The tests run with GOMAXPROCS as the machine gives it; -short (or
// STORE_TEST_GOROUTINES) shrinks the 10,000 goroutines.
func goroutines(t *testing.T) int {
	if s := os.Getenv("STORE_TEST_GOROUTINES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 {
			t.Fatalf("STORE_TEST_GOROUTINES=%q is not a positive count", s)
		}
		return n
	}
	if testing.Short() {
		return 1000
	}
	return 10000
}

func library(t *testing.T, env string) string {
	path := os.Getenv(env)
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set", env)
		}
		t.Skipf("%s is not set", env)
	}
	return path
}

const testBusyTimeout = 10 * time.Second

// Test names run in file order: tether first, so the OS threads Go makes
// for the shim's blocking calls are not counted against tether.

func TestTetherBuildsOneSessionPerLaneAndEveryWriteIsReadable(t *testing.T) {
	path := library(t, "STORE_TETHER_LIBRARY")
	const lanes = 4
	s, err := openTether(path, filepath.Join(t.TempDir(), "tether.sqlite"), tether.Options{Lanes: lanes}, int(testBusyTimeout/time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	r := runWorkload(context.Background(), s, goroutines(t), 5)
	if err := s.Close(); err != nil {
		t.Error(err)
	}
	t.Logf("%s: %d calls in %v, peak OS threads %d, sessions %d, busy %d",
		s.Name(), r.Calls, r.Elapsed, r.PeakThreads, r.Sessions, r.Busy)
	if err := r.ok(); err != nil {
		t.Fatal(err)
	}
	if r.Sessions != lanes {
		t.Errorf("the store built %d sessions on %d lanes", r.Sessions, lanes)
	}
	if r.Busy != 0 {
		t.Errorf("%d puts answered busy with %d connections and a %v busy timeout", r.Busy, lanes, testBusyTimeout)
	}
}

func TestShimBuildsOneSessionPerCallingThread(t *testing.T) {
	s := theShim(t)
	before := s.Threads()
	r := runWorkload(context.Background(), s, goroutines(t), 5)
	t.Logf("%s: %d calls in %v, peak OS threads %d, sessions %d (OS threads that called: %d), busy %d",
		s.Name(), r.Calls, r.Elapsed, r.PeakThreads, r.Sessions, s.Threads(), r.Busy)
	if err := r.ok(); err != nil {
		t.Fatal(err)
	}
	if before != 0 {
		t.Fatalf("%d OS threads called the shim before this test", before)
	}
	if r.Sessions != uint64(s.Threads()) {
		t.Errorf("the store built %d sessions, but %d OS threads called it", r.Sessions, s.Threads())
	}
}

func TestShimRefusesASecondOpen(t *testing.T) {
	theShim(t)
	path := library(t, "STORE_SHIM_LIBRARY")
	if _, err := openShim(path, filepath.Join(testDir, "again.sqlite"), time.Second); err == nil {
		t.Fatal("a second openShim in one process succeeded")
	}
}

func TestTetherAnswersBadRequestsWithTheStoreCodeAndLeaksNothing(t *testing.T) {
	path := library(t, "STORE_TETHER_LIBRARY")
	s, err := openTether(path, filepath.Join(t.TempDir(), "bad.sqlite"), tether.Options{Lanes: 2}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := tether.LiveBuffers()
	cases := []struct {
		name    string
		method  uint32
		payload []byte
		code    int32
	}{
		{"GET of a 3-byte payload", methodGet, []byte{9, 0, 0}, codeBadPayload},
		{"PUT with bytes left over", methodPut, append(putPayload([]byte("k"), []byte("v")), 0), codeBadPayload},
		{"method 99", 99, nil, codeUnknownMethod},
		{"SLOW of 10,001 ms", methodSlow, slowPayload(10001), codeOutOfRange},
		{"GET of an absent key", methodGet, keyPayload([]byte("absent")), codeNotFound},
	}
	for _, c := range cases {
		_, err := s.Call(context.Background(), c.method, nil, c.payload)
		var se *StoreError
		if !errors.As(err, &se) || se.Code != c.code {
			t.Errorf("%s: got %v, want store code %d", c.name, err, c.code)
		}
	}
	if after, _ := tether.LiveBuffers(); after != before {
		t.Errorf("tether buffers live: %d before the bad calls, %d after", before, after)
	}
	if err := s.Close(); err != nil {
		t.Error(err)
	}
}

func TestTetherDeleteAndSlowTransaction(t *testing.T) {
	path := library(t, "STORE_TETHER_LIBRARY")
	s, err := openTether(path, filepath.Join(t.TempDir(), "delete.sqlite"), tether.Options{Lanes: 2}, 1000)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	key := []byte("doomed")
	steps := []struct {
		name    string
		method  uint32
		payload []byte
		want    []byte
	}{
		{"PUT", methodPut, putPayload(key, []byte("v")), nil},
		{"SLOW of 5 ms", methodSlow, slowPayload(5), nil},
		{"DELETE of a present key", methodDelete, keyPayload(key), []byte{1}},
		{"DELETE of an absent key", methodDelete, keyPayload(key), []byte{0}},
	}
	for _, step := range steps {
		got, err := s.Call(ctx, step.method, key, step.payload)
		if err != nil || string(got) != string(step.want) {
			t.Errorf("%s: got %v, %v; want %v", step.name, got, err, step.want)
		}
	}
	_, err = s.Call(ctx, methodGet, key, keyPayload(key))
	var se *StoreError
	if !errors.As(err, &se) || se.Code != codeNotFound {
		t.Errorf("GET after DELETE: got %v, want store code %d", err, codeNotFound)
	}
	if err := s.Close(); err != nil {
		t.Error(err)
	}
}
