package graphs

import "testing"

// TestSampleRand_Pinned pins the first draws of a few per-sample streams to the values the
// package's own SplitMix64 copy produced before internal/rng replaced it, so that long-short
// graphs of existing runs stay what they were.
func TestSampleRand_Pinned(t *testing.T) {
	for _, tc := range []struct {
		seed   int64
		b      int
		a0, a1 int64
		n      int
	}{
		{0, 0, 2064527764522626724, 7892874398203769015, 306},
		{1, 3, 324688422386191218, 1403886316148976122, 717},
		{-7, 1000, 325371300821878911, 8501485747657668391, 900},
	} {
		r := SampleRand(tc.seed, tc.b)
		if a0, a1, n := r.Int63(), r.Int63(), r.Intn(1000); a0 != tc.a0 || a1 != tc.a1 || n != tc.n {
			t.Errorf("SampleRand(%d, %d): draws %d %d %d, want %d %d %d", tc.seed, tc.b, a0, a1, n, tc.a0, tc.a1, tc.n)
		}
	}
}
