package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
)

// group is one benchmark function, run with a fixed number of calls.
type group struct {
	bench     string // the Benchmark function, without "Benchmark"
	benchtime string // -test.benchtime
}

func groupsFor(quick bool) []group {
	if quick {
		return []group{
			{"SerialCall", "2000x"},
			{"ConcurrentCall", "5000x"},
			{"SlowCall", "2000x"},
			{"BlockingHandler", "200x"},
			{"IdleRuntime", "5x"},
		}
	}
	return []group{
		{"SerialCall", "20000x"},
		{"ConcurrentCall", "200000x"},
		{"SlowCall", "20000x"},
		{"BlockingHandler", "1000x"},
		{"IdleRuntime", "50x"},
	}
}

// metrics are one contender's figures in one run, by unit ("p50-ns").
type metrics map[string]float64

// results holds, per contender ("SerialCall/lanes=1/c-round-trip"), its
// metrics in each run, in run order.
type results map[string][]metrics

// buildTests compiles the package's test binary once, so every run
// measures the same code.
func buildTests(binary string) error {
	cmd := exec.Command("go", "test", "-c", "-o", binary, ".")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go test -c: %w", err)
	}
	return nil
}

// runGroups runs every group `runs` times, groups interleaved, run i
// rotating each group's contenders by i places.
func runGroups(binary string, groups []group, runs int) (results, error) {
	out := results{}
	for i := 0; i < runs; i++ {
		for _, g := range groups {
			fmt.Fprintf(os.Stderr, "benchreport: run %d/%d: %s\n", i+1, runs, g.bench)
			cmd := exec.Command(binary, "-test.run", "^$", "-test.bench", "^Benchmark"+g.bench+"$",
				"-test.benchtime", g.benchtime, "-test.count", "1")
			cmd.Env = append(os.Environ(), "TETHER_BENCH_ROTATE="+strconv.Itoa(i))
			var stdout bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
			if err := cmd.Run(); err != nil {
				os.Stderr.Write(stdout.Bytes())
				return nil, fmt.Errorf("%s, run %d: %w", g.bench, i+1, err)
			}
			parsed, err := parse(stdout.String())
			if err != nil {
				return nil, fmt.Errorf("%s, run %d: %w", g.bench, i+1, err)
			}
			if len(parsed) == 0 {
				return nil, fmt.Errorf("%s, run %d: no benchmark lines in:\n%s", g.bench, i+1, stdout.String())
			}
			for name, m := range parsed {
				out[name] = append(out[name], m)
			}
		}
	}
	return out, nil
}

// procsSuffix is the -GOMAXPROCS suffix the testing package appends.
var procsSuffix = regexp.MustCompile(`-\d+$`)

// parse reads the benchmark lines of one run: a name, the count, then
// value-unit pairs.
func parse(output string) (map[string]metrics, error) {
	out := map[string]metrics{}
	scanner := bufio.NewScanner(strings.NewReader(output))
	for scanner.Scan() {
		fields := strings.Fields(scanner.Text())
		if len(fields) < 4 || !strings.HasPrefix(fields[0], "Benchmark") || len(fields)%2 != 0 {
			continue
		}
		name := procsSuffix.ReplaceAllString(strings.TrimPrefix(fields[0], "Benchmark"), "")
		m := metrics{}
		for i := 2; i+1 < len(fields); i += 2 {
			v, err := strconv.ParseFloat(fields[i], 64)
			if err != nil {
				return nil, fmt.Errorf("%q: %w", scanner.Text(), err)
			}
			m[fields[i+1]] = v
		}
		out[name] = m
	}
	return out, scanner.Err()
}
