// Command benchreport runs the binding's benchmarks several times, each
// run a process of its own with the contenders in a rotated order, and
// prints the tables of README.md: medians over the runs, each run's p50
// (a process that lands in another mode shows as a spread), ratios to the
// C-level round trip and the direct cgo call measured in the same run, and
// the goals they are held to.
//
//	go run ./internal/benchreport                  # 5 runs, tables on stdout
//	go run ./internal/benchreport -readme README.md  # and into README.md
//
// Run it from bindings/go with the environment the tests need
// (PKG_CONFIG_PATH and LD_LIBRARY_PATH for libtether).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	runs := flag.Int("runs", 5, "processes per benchmark group (at least 1)")
	quick := flag.Bool("quick", false, "small counts: a smoke test of the command, not numbers to keep")
	readme := flag.String("readme", "", "also replace the generated section of this file")
	flag.Parse()
	if *runs < 1 || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*runs, *quick, *readme); err != nil {
		fmt.Fprintln(os.Stderr, "benchreport:", err)
		os.Exit(1)
	}
}

func run(runs int, quick bool, readme string) error {
	dir, err := os.MkdirTemp("", "tether-benchreport-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	binary := filepath.Join(dir, "tether.test")
	if err := buildTests(binary); err != nil {
		return err
	}
	loadBefore := loadAverage()
	start := time.Now()
	results, err := runGroups(binary, groupsFor(quick), runs)
	if err != nil {
		return err
	}
	env := environment{
		runs:       runs,
		loadBefore: loadBefore,
		loadAfter:  loadAverage(),
		took:       time.Since(start),
	}
	text := render(results, env)
	fmt.Print(text)
	if readme == "" {
		return nil
	}
	return splice(readme, text)
}

// loadAverage reads the 1-minute load average ("?" if it cannot).
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	fields := strings.Fields(string(data))
	if len(fields) == 0 {
		return "?"
	}
	return fields[0]
}
