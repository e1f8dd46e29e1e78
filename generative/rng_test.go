package generative

import "testing"

// TestStreams_Pinned pins the first draws of a few streams to the values the package's own
// SplitMix64 copy produced before internal/rng replaced it: training noise, shuffles, sampling
// noise and graph seeds of existing runs stay what they were.
func TestStreams_Pinned(t *testing.T) {
	for _, tc := range []struct {
		seed   int64
		tag    uint64
		i      int
		u0, u1 uint64
		graph  int64
	}{
		{1, streamStep, 0, 0x91875e813ccffaeb, 0x4f9511d11785ad8, 1263082129664768747},
		{1, streamStep, 7, 0x709e7d5fe5e85fd3, 0x6d56d56821305a9f, 8115061429400788947},
		{-5, streamGraph, 123, 0x6d5c0ce3f7f58674, 0x77b80b6964ea968f, 7880187621248697972},
		{42, streamLevel, 3, 0x48bbe575697df4f3, 0xd1f63745e5a65eff, 5241034883819500787},
	} {
		r := newStream(tc.seed, tc.tag, tc.i)
		if u0, u1 := r.Uint64(), r.Uint64(); u0 != tc.u0 || u1 != tc.u1 {
			t.Errorf("stream (%d, %d, %d): draws %#x %#x, want %#x %#x", tc.seed, tc.tag, tc.i, u0, u1, tc.u0, tc.u1)
		}
		if g := graphSeed(tc.seed, tc.tag, tc.i); g != tc.graph {
			t.Errorf("graphSeed(%d, %d, %d) = %d, want %d", tc.seed, tc.tag, tc.i, g, tc.graph)
		}
	}
}
