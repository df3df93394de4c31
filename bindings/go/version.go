package tether

// #include "tether_go.h"
import "C"

import "fmt"

// HeaderVersion is the tether version (major*1000000 + minor*1000 + patch)
// of the headers this package was compiled against.
const HeaderVersion = uint32(C.TETHER_VERSION_NUMBER)

// LibraryVersion returns the version of the libtether that was loaded, in
// the same encoding as HeaderVersion.
func LibraryVersion() uint32 { return uint32(C.tether_version_number()) }

// LibraryVersionString returns the loaded libtether's "MAJOR.MINOR.PATCH".
func LibraryVersionString() string { return C.GoString(C.tether_version_string()) }

func init() {
	if err := checkVersion(HeaderVersion, LibraryVersion()); err != nil {
		panic(err)
	}
}

// checkVersion refuses a loaded library whose major version differs from
// the headers', or that is older than the headers.
func checkVersion(header, loaded uint32) error {
	switch {
	case loaded/1000000 != header/1000000:
		return fmt.Errorf("tether: libtether %s has major version %d, but this Go package was built against %s (major %d); install a matching libtether or rebuild",
			versionText(loaded), loaded/1000000, versionText(header), header/1000000)
	case loaded < header:
		return fmt.Errorf("tether: libtether %s is older than the %s headers this Go package was built against; install libtether %s or newer",
			versionText(loaded), versionText(header), versionText(header))
	}
	return nil
}

func versionText(v uint32) string {
	return fmt.Sprintf("%d.%d.%d", v/1000000, v/1000%1000, v%1000)
}
