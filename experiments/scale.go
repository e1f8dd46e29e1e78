package experiments

import (
	"fmt"
	"strings"
)

// Scale is the size at which an experiment runs. Every experiment runs at the three scales
// with the same code (DESIGN.md, "Scale presets"):
//
//   - Smoke: seconds; CI runs it on every change so the whole pipeline is exercised. Its
//     numbers are never results.
//   - Small: minutes to an hour on a 2-core machine; the numbers committed in experiments/out.
//   - Paper: the paper's hyper-parameters (docs/REFERENCE.md), for users with the hardware and time.
type Scale string

// The three scales.
const (
	Smoke Scale = "smoke"
	Small Scale = "small"
	Paper Scale = "paper"
)

// Scales lists the scales from the smallest to the largest.
func Scales() []Scale { return []Scale{Smoke, Small, Paper} }

// ParseScale returns the scale called s (case-insensitive).
func ParseScale(s string) (Scale, error) {
	for _, sc := range Scales() {
		if strings.EqualFold(s, string(sc)) {
			return sc, nil
		}
	}
	return "", fmt.Errorf("experiments: unknown scale %q (want smoke, small or paper): %w", s, ErrConfig)
}

// Validate returns an error wrapping ErrConfig unless s is one of the three scales.
func (s Scale) Validate() error {
	_, err := ParseScale(string(s))
	if err != nil || string(s) != strings.ToLower(string(s)) {
		return fmt.Errorf("experiments: unknown scale %q (want smoke, small or paper): %w", string(s), ErrConfig)
	}
	return nil
}

// Result reports whether numbers made at this scale may be presented as results: false for
// Smoke, whose tables only show that the pipeline runs.
func (s Scale) Result() bool { return s != Smoke }
