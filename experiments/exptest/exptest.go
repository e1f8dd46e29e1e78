// Package exptest holds what the experiments' tests share: a log that can stop a run when a
// line appears, reading a results table, and the extent of generated samples.
package exptest

import (
	"bytes"
	"context"
	"math"
	"strings"
	"sync"
	"testing"

	"github.com/ncgn/ncgn/datasets"
	"github.com/ncgn/ncgn/experiments"
)

// Log collects the log lines of a run (safe for concurrent writes) and calls Cancel once the
// log contains Text, when both are set: a test interrupts a run at a chosen event with it.
type Log struct {
	Text   string
	Cancel context.CancelFunc

	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *Log) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	if l.Text != "" && l.Cancel != nil && strings.Contains(l.buf.String(), l.Text) {
		l.Cancel()
	}
	return len(p), nil
}

// String returns everything logged so far.
func (l *Log) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// ReadTable reads the results table at path, failing the test when it cannot.
func ReadTable(t testing.TB, path string) *experiments.Table {
	t.Helper()
	tb, err := experiments.ReadTable(path)
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// LargestNpy returns the largest |value| of the .npy array at path (samples written by an
// experiment or by sample), failing the test when it cannot be read.
func LargestNpy(t testing.TB, path string) float64 {
	t.Helper()
	a, err := datasets.ReadNpy(path)
	if err != nil {
		t.Fatal(err)
	}
	m := 0.0
	for _, v := range a.Data {
		m = math.Max(m, math.Abs(v))
	}
	return m
}
