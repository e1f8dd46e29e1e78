package engine

import "math"

// The arena's internals for the external tests (arena_test.go, lifecycle_test.go), which run
// layers over the engine and so cannot be in this package.
var (
	SizeClass   = sizeClass
	PooledBytes = pooledBytes
)

// PoolHits returns how many pooled buffers have been handed out again.
func PoolHits() int {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	return pool.hits
}

// PoisonPool fills every free buffer of the pool with NaN and returns how many there are.
func PoisonPool() int {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	count := 0
	for _, list := range pool.f32 {
		for _, p := range list {
			for i := range p.buf {
				p.buf[i] = float32(math.NaN())
			}
			count++
		}
	}
	for _, list := range pool.f64 {
		for _, p := range list {
			for i := range p.buf {
				p.buf[i] = math.NaN()
			}
			count++
		}
	}
	return count
}
