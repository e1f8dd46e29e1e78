// Package parallel splits a loop over contiguous chunks of its range, one per core, when the
// work pays for the goroutines. Each chunk writes only its own outputs, so results do not
// depend on scheduling.
package parallel

import (
	"runtime"
	"sync"
)

// MinWork is the number of scalar operations below which a kernel stays on one core.
const MinWork = 1 << 15

// For runs body over [0, n) split into contiguous chunks, one per available core, when
// the work (n rows of cost scalar operations each) is large enough to pay for the goroutines.
// Each chunk writes only its own output rows, so results do not depend on scheduling.
func For(n, cost int, body func(lo, hi int)) {
	workers := runtime.GOMAXPROCS(0)
	if workers < 2 || n < 2 || n*cost < MinWork {
		body(0, n)
		return
	}
	if workers > n {
		workers = n
	}
	var wg sync.WaitGroup
	chunk := (n + workers - 1) / workers
	for lo := 0; lo < n; lo += chunk {
		hi := lo + chunk
		if hi > n {
			hi = n
		}
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			body(lo, hi)
		}(lo, hi)
	}
	wg.Wait()
}
