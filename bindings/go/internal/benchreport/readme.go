package main

import (
	"fmt"
	"os"
	"strings"
)

// The generated section of a README lies between these lines.
const (
	beginMarker = "<!-- benchreport: begin -->"
	endMarker   = "<!-- benchreport: end -->"
)

// splice replaces what lies between the markers in path with text.
func splice(path, text string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	s := string(data)
	begin := strings.Index(s, beginMarker)
	end := strings.Index(s, endMarker)
	if begin < 0 || end < begin {
		return fmt.Errorf("%s: no %q ... %q section", path, beginMarker, endMarker)
	}
	out := s[:begin+len(beginMarker)] + "\n" + text + s[end:]
	return os.WriteFile(path, []byte(out), 0o644)
}
