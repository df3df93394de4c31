package tether

import (
	"strings"
	"testing"
)

func TestVersionLoadedMatchesHeader(t *testing.T) {
	if err := checkVersion(HeaderVersion, LibraryVersion()); err != nil {
		t.Fatal(err)
	}
	if got, want := LibraryVersionString(), versionText(LibraryVersion()); got != want {
		t.Fatalf("LibraryVersionString() = %q, want %q", got, want)
	}
}

func TestVersionCheckRejectsOtherMajor(t *testing.T) {
	err := checkVersion(1002003, 2000000)
	if err == nil || !strings.Contains(err.Error(), "major version 2") {
		t.Fatalf("checkVersion(1.2.3, 2.0.0) = %v, want a major version error", err)
	}
}

func TestVersionCheckRejectsOlderLibrary(t *testing.T) {
	err := checkVersion(1002003, 1001009)
	if err == nil || !strings.Contains(err.Error(), "older") {
		t.Fatalf("checkVersion(1.2.3, 1.1.9) = %v, want an older-library error", err)
	}
}

func TestVersionCheckAcceptsNewerMinor(t *testing.T) {
	if err := checkVersion(1002003, 1003000); err != nil {
		t.Fatalf("checkVersion(1.2.3, 1.3.0) = %v, want nil", err)
	}
}
