package experiments

import (
	"context"
	"errors"
	"strings"
	"testing"
)

// TestSteps_Run checks the order of a run's steps: a run computes and writes and does not
// look for missing cells; a --report run only writes and reports the missing cells as an
// error wrapping ErrIncomplete (nil when none is missing); a failing step stops the run.
func TestSteps_Run(t *testing.T) {
	var log []string
	missing := []string{"a/seed1"}
	steps := Steps{
		Compute: func(context.Context) error { log = append(log, "compute"); return nil },
		Write:   func() error { log = append(log, "write"); return nil },
		Missing: func() ([]string, error) { log = append(log, "missing"); return missing, nil },
	}
	ctx := context.Background()
	if err := steps.Run(ctx, Env{}, "x"); err != nil || strings.Join(log, ",") != "compute,write" {
		t.Errorf("run: %v, steps %v", err, log)
	}
	log = nil
	err := steps.Run(ctx, Env{Report: true}, "x")
	if !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), "a/seed1") || strings.Join(log, ",") != "write,missing" {
		t.Errorf("report: %v, steps %v", err, log)
	}
	missing = nil
	if err := steps.Run(ctx, Env{Report: true}, "x"); err != nil {
		t.Errorf("report with nothing missing: %v", err)
	}
	log = nil
	boom := errors.New("boom")
	steps.Compute = func(context.Context) error { return boom }
	if err := steps.Run(ctx, Env{}, "x"); !errors.Is(err, boom) || len(log) != 0 {
		t.Errorf("failing compute: %v, steps %v", err, log)
	}
}
