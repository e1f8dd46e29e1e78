package parallel

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// TestFor checks that every index of the range is visited exactly once, split or not.
func TestFor(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	for _, tc := range []struct{ n, cost int }{{0, 1}, {1, MinWork}, {7, 1}, {1000, MinWork}, {3, MinWork}} {
		seen := make([]atomic.Int32, tc.n)
		For(tc.n, tc.cost, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				seen[i].Add(1)
			}
		})
		for i := range seen {
			if c := seen[i].Load(); c != 1 {
				t.Fatalf("n = %d, cost %d: index %d visited %d times", tc.n, tc.cost, i, c)
			}
		}
	}
}
