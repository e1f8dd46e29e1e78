package runlock

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// ErrBusy reports a lock held by another process.
var ErrBusy = errors.New("in use by another process")

// Lock is a held lock; Release gives it back.
type Lock struct {
	fl   *flock.Flock
	path string
	// Previous describes the holder recorded by a process that stopped without releasing the
	// lock (killed), "" when the lock file was free.
	Previous string
}

// Acquire takes the lock file path (creating its folder), without waiting. what names the
// guarded thing in the error, e.g. "run folder runs/r1". A lock held by another process gives
// an error wrapping ErrBusy that names the holder.
func Acquire(path, what string) (*Lock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("runlock: %s: %w", what, err)
	}
	fl := flock.New(path)
	ok, err := fl.TryLock()
	if err != nil {
		return nil, fmt.Errorf("runlock: %s: locking %s: %w", what, path, err)
	}
	holder := readHolder(path)
	if !ok {
		if holder == "" {
			holder = "unknown process"
		}
		return nil, fmt.Errorf("runlock: %s is %w (%s holds %s)", what, ErrBusy, holder, path)
	}
	l := &Lock{fl: fl, path: path, Previous: holder}
	host, _ := os.Hostname()
	rec := fmt.Sprintf("pid %d on %s since %s\n", os.Getpid(), host, time.Now().UTC().Format(time.RFC3339))
	if err := os.WriteFile(path, []byte(rec), 0o644); err != nil {
		_ = fl.Unlock()
		return nil, fmt.Errorf("runlock: %s: %w", what, err)
	}
	return l, nil
}

// readHolder returns the holder recorded in a lock file ("" when empty or unreadable).
func readHolder(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(b))
}

// Release empties the lock file and gives the lock back; a nil Lock is a no-op.
func (l *Lock) Release() error {
	if l == nil {
		return nil
	}
	_ = os.Truncate(l.path, 0)
	if err := l.fl.Unlock(); err != nil {
		return fmt.Errorf("runlock: %s: %w", l.path, err)
	}
	return nil
}
