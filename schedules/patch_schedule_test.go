package schedules

import (
	"errors"
	"testing"
)

// TestPatchSchedule_Thresholds checks REFERENCE.md §8: patch 4 for DDPM steps >= 231, 2 for
// 52..230 and 1 for <= 51, with the matching kernels and query-key pairs.
func TestPatchSchedule_Thresholds(t *testing.T) {
	s, err := NewPatchSchedule(PatchConfig{})
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]PatchStep{
		4: {Patch: 4, Side: 8, Tokens: 64, Neighbours: 64, Kernel: 7, Pairs: 3136, MatchedKernel: 9, MatchedPairs: 4096},
		2: {Patch: 2, Side: 16, Tokens: 256, Neighbours: 16, Kernel: 5, Pairs: 6400, MatchedKernel: 3, MatchedPairs: 2304},
		1: {Patch: 1, Side: 32, Tokens: 1024, Neighbours: 4, Kernel: 3, Pairs: 9216, MatchedKernel: 1, MatchedPairs: 1024},
	}
	for step := 0; step < 1000; step++ {
		p := 1
		switch {
		case step >= 231:
			p = 4
		case step >= 52:
			p = 2
		}
		got, err := s.AtStep(step)
		if err != nil {
			t.Fatal(err)
		}
		if got != want[p] {
			t.Errorf("AtStep(%d) = %+v, want %+v", step, got, want[p])
		}
	}
	tests := []struct {
		name string
		t    NoiseLevel
		want int
	}{
		{"pure noise", 0, 4},
		{"data", 1, 1},
		{"middle", 0.5, 4},
		{"step 231", 0.769, 4},
		{"step 230", 0.770, 2},
		{"step 52", 0.948, 2},
		{"step 51", 0.949, 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := s.At(tc.t).Patch; got != tc.want {
				t.Errorf("At(%v).Patch = %d, want %d", tc.t, got, tc.want)
			}
		})
	}
}

func TestPatchSchedule_Errors(t *testing.T) {
	tests := []struct {
		name string
		cfg  PatchConfig
	}{
		{"patch not dividing", PatchConfig{Latent: 30, MaxPatch: 4}},
		{"patch not power of two", PatchConfig{MaxPatch: 3}},
		{"negative latent", PatchConfig{Latent: -1}},
		{"negative curvature", PatchConfig{Curvature: -2}},
		{"negative steps", PatchConfig{TrainSteps: -5}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewPatchSchedule(tc.cfg); !errors.Is(err, ErrConfig) {
				t.Errorf("NewPatchSchedule(%+v) error = %v, want ErrConfig", tc.cfg, err)
			}
		})
	}
	s, err := NewPatchSchedule(PatchConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []int{-1, 1000} {
		if _, err := s.AtStep(step); !errors.Is(err, ErrConfig) {
			t.Errorf("AtStep(%d) error = %v, want ErrConfig", step, err)
		}
	}
}

// TestPatchSchedule_Monotone: the patch never grows and the kernel stays odd and within the
// token grid as t goes from noise to data, for a few latent sizes.
func TestPatchSchedule_Monotone(t *testing.T) {
	for _, cfg := range []PatchConfig{{}, {Latent: 64, MaxPatch: 8}, {Latent: 16, MaxPatch: 2, Curvature: 3}, {Latent: 4, MaxPatch: 4}} {
		s, err := NewPatchSchedule(cfg)
		if err != nil {
			t.Fatal(err)
		}
		prev := s.At(0)
		for i := 0; i <= 1000; i++ {
			st := s.At(NoiseLevel(float64(i) / 1000))
			n0 := s.At(0).Tokens
			if st.Patch > prev.Patch || st.Kernel%2 != 1 || st.Kernel > st.Side || st.Tokens != st.Side*st.Side ||
				st.MatchedKernel%2 != 1 || st.MatchedPairs > max(n0*n0, st.Tokens) || st.MatchedPairs < st.Tokens {
				t.Fatalf("%+v: At(%v) = %+v after %+v", cfg, float64(i)/1000, st, prev)
			}
			prev = st
		}
		if got := s.At(1).Patch; got != 1 {
			t.Errorf("%+v: At(1).Patch = %d, want 1", cfg, got)
		}
	}
}

// TestPatchSchedule_ForPatch checks that ForPatch gives what At gives wherever the schedule
// chooses that patch size, and rejects other sizes.
func TestPatchSchedule_ForPatch(t *testing.T) {
	s, err := NewPatchSchedule(PatchConfig{})
	if err != nil {
		t.Fatal(err)
	}
	for step := range 1000 {
		at, err := s.AtStep(step)
		if err != nil {
			t.Fatal(err)
		}
		fp, err := s.ForPatch(at.Patch)
		if err != nil || fp != at {
			t.Fatalf("step %d: ForPatch(%d) = %+v, %v; At gives %+v", step, at.Patch, fp, err, at)
		}
	}
	for _, p := range []int{0, 3, 8} {
		if _, err := s.ForPatch(p); !errors.Is(err, ErrConfig) {
			t.Errorf("ForPatch(%d): error %v, want ErrConfig", p, err)
		}
	}
}
