package geometricshapes

import "testing"

// TestCloudRand_Pinned pins the first draws of a few cloud streams to the values the package's
// own SplitMix64 copy produced before internal/rng replaced it, so that prepared clouds stay
// what they were.
func TestCloudRand_Pinned(t *testing.T) {
	for _, tc := range []struct {
		seed   uint64
		split  string
		s, c   int
		u0, u1 uint64
	}{
		{0, Train, 0, 0, 0xc9cffdd167442927, 0x3251d2d9c2666996},
		{3, Test, 7, 2, 0x93ededda666e09ec, 0xc70c40a1f93ea5df},
		{99, Train, 39, 11, 0xc2873b013b6cd28a, 0x67d1d443bf6c4cd3},
	} {
		r := CloudRand(tc.seed, tc.split, tc.s, tc.c)
		if u0, u1 := r.Uint64(), r.Uint64(); u0 != tc.u0 || u1 != tc.u1 {
			t.Errorf("CloudRand(%d, %s, %d, %d): draws %#x %#x, want %#x %#x", tc.seed, tc.split, tc.s, tc.c, u0, u1, tc.u0, tc.u1)
		}
	}
}
