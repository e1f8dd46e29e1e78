package runlock

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestAcquire_BusyAndRelease checks that a second lock of a held file fails naming the holder,
// and that after Release the lock is free and its file records no holder.
func TestAcquire_BusyAndRelease(t *testing.T) {
	path := filepath.Join(t.TempDir(), "run", ".lock")
	l, err := Acquire(path, "run folder run")
	if err != nil {
		t.Fatal(err)
	}
	if l.Previous != "" {
		t.Errorf("fresh lock has a previous holder %q", l.Previous)
	}
	_, err = Acquire(path, "run folder run")
	if !errors.Is(err, ErrBusy) || !strings.Contains(err.Error(), "pid ") || !strings.Contains(err.Error(), "run folder run") {
		t.Fatalf("second lock: %v, want ErrBusy naming the holder", err)
	}
	if err := l.Release(); err != nil {
		t.Fatal(err)
	}
	l2, err := Acquire(path, "run folder run")
	if err != nil || l2.Previous != "" {
		t.Fatalf("after release: %v, previous %q", err, l2.Previous)
	}
	_ = l2.Release()
}

// TestAcquire_KilledHolder takes a lock in a child process that is killed while holding it:
// the lock is free afterwards and the next holder sees the stopped process's record.
func TestAcquire_KilledHolder(t *testing.T) {
	if os.Getenv("RUNLOCK_CHILD") != "" {
		if _, err := Acquire(os.Getenv("RUNLOCK_CHILD"), "child"); err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("locked\n")
		select {} // hold it until killed
	}
	path := filepath.Join(t.TempDir(), ".lock")
	cmd := exec.Command(os.Args[0], "-test.run", "^TestAcquire_KilledHolder$")
	cmd.Env = append(os.Environ(), "RUNLOCK_CHILD="+path)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 7)
	if _, err := out.Read(buf); err != nil || string(buf) != "locked\n" {
		t.Fatalf("child: %q, %v", buf, err)
	}
	if _, err := Acquire(path, "x"); !errors.Is(err, ErrBusy) {
		t.Fatalf("lock held by the child: %v, want ErrBusy", err)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	l, err := Acquire(path, "x")
	if err != nil {
		t.Fatalf("after the holder was killed: %v", err)
	}
	defer l.Release()
	if !strings.HasPrefix(l.Previous, "pid ") {
		t.Errorf("previous holder %q, want the killed process's record", l.Previous)
	}
}
