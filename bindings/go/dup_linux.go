package tether

import "syscall"

// dupCloexec duplicates fd with close-on-exec set, non-blocking like the
// original (an eventfd made with EFD_NONBLOCK shares its file status).
func dupCloexec(fd int) (int, error) {
	syscall.ForkLock.RLock()
	defer syscall.ForkLock.RUnlock()
	dup, err := syscall.Dup(fd)
	if err != nil {
		return -1, err
	}
	syscall.CloseOnExec(dup)
	return dup, nil
}
