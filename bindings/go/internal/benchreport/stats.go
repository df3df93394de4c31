package main

import (
	"fmt"
	"math"
	"slices"
)

// series returns a contender's metric in each run that reported it.
func (r results) series(name, metric string) []float64 {
	var out []float64
	for _, m := range r[name] {
		if v, ok := m[metric]; ok {
			out = append(out, v)
		}
	}
	return out
}

// ratios returns, run by run, a's metric over b's.
func (r results) ratios(a, b, metric string) []float64 {
	as, bs := r[a], r[b]
	var out []float64
	for i := 0; i < len(as) && i < len(bs); i++ {
		x, okA := as[i][metric]
		y, okB := bs[i][metric]
		if okA && okB && y != 0 {
			out = append(out, x/y)
		}
	}
	return out
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// spread is the largest value over the smallest (1: all equal).
func spread(xs []float64) float64 {
	if len(xs) == 0 || slices.Min(xs) <= 0 {
		return math.NaN()
	}
	return slices.Max(xs) / slices.Min(xs)
}

// ns formats nanoseconds as ns, µs or ms with two or three digits.
func ns(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v < 1e3:
		return fmt.Sprintf("%.0f ns", v)
	case v < 1e4:
		return fmt.Sprintf("%.1f µs", v/1e3)
	case v < 1e6:
		return fmt.Sprintf("%.0f µs", v/1e3)
	case v < 1e7:
		return fmt.Sprintf("%.1f ms", v/1e6)
	}
	return fmt.Sprintf("%.0f ms", v/1e6)
}

// rate formats calls per second.
func rate(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v >= 1e6:
		return fmt.Sprintf("%.2f M/s", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.0f k/s", v/1e3)
	}
	return fmt.Sprintf("%.0f /s", v)
}

// times formats a ratio.
func times(v float64) string {
	switch {
	case math.IsNaN(v):
		return "–"
	case v >= 10:
		return fmt.Sprintf("%.0f×", v)
	}
	return fmt.Sprintf("%.2g×", v)
}

// number formats a plain figure with up to three significant digits.
func number(v float64) string {
	if math.IsNaN(v) {
		return "–"
	}
	return fmt.Sprintf("%.3g", v)
}
