package engine

import (
	"math/bits"
	"runtime"
	"sync"
	"weak"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// A step allocates about 2.4 GB of [n, W] activations and gradients, all dead when the step
// ends. Left to Go's allocator every one of them is fresh memory: zeroed by the runtime, often
// faulted in from the kernel page by page (about 10 µs a page on these virtual machines), and
// collected later; in the profile of a DMP step that zeroing and faulting took 18-25 % of the
// CPU time. An arena hands the ops of one Scope their output buffers from a process-wide pool
// and gives them all back when the Scope's run ends, so a step reuses the memory of the one
// before it, already mapped.

// arenaMinLen is the number of elements below which a buffer is left to Go's allocator.
const arenaMinLen = 1 << 14

// arenaKeep is the number of releases a pooled buffer may go unused before it is dropped, so
// the pool holds what the last few steps needed and no more.
const arenaKeep = 2

// sizeClass rounds n up to a class with at most 1/8 waste: the next multiple of an eighth of
// the largest power of two not above n. Buffers of one class are interchangeable.
func sizeClass(n int) int {
	if n <= 8 {
		return n
	}
	step := 1 << (bits.Len(uint(n)) - 4) // an eighth of the highest power of two <= n
	return (n + step - 1) / step * step
}

// pooled is a free buffer and the release generation in which it was returned.
type pooled[T Float] struct {
	buf []T
	gen uint64
}

// bufferPool is the process-wide store of free buffers, by size class.
type bufferPool struct {
	mu   sync.Mutex
	gen  uint64
	hits int // buffers handed out again (for tests and diagnostics)
	f32  map[int][]pooled[float32]
	f64  map[int][]pooled[float64]
}

var pool = &bufferPool{f32: map[int][]pooled[float32]{}, f64: map[int][]pooled[float64]{}}

// take returns a free buffer of class c from m, or nil.
func take[T Float](m map[int][]pooled[T], c int) []T {
	list := m[c]
	if len(list) == 0 {
		return nil
	}
	b := list[len(list)-1].buf
	m[c] = list[:len(list)-1]
	return b
}

// trim drops the buffers of m that were returned more than arenaKeep generations before gen.
func trim[T Float](m map[int][]pooled[T], gen uint64) {
	for c, list := range m {
		kept := list[:0]
		for _, p := range list {
			if gen-p.gen <= arenaKeep {
				kept = append(kept, p)
			}
		}
		clear(list[len(kept):])
		if len(kept) == 0 {
			delete(m, c)
		} else {
			m[c] = kept
		}
	}
}

// Arena records the pooled buffers one Scope's ops took, to give them back when it ends, and
// the index structures its layers derived from the step's graph (a DMP step gathers and
// scatters by the same cluster assignment, and convolves over the same coarse edges, in every
// layer, forward and backward): they are built once per step.
type Arena struct {
	mu   sync.Mutex
	f32  [][]float32
	f64  [][]float64
	memo map[any]any
}

// Memoize returns the value cached in a under key, building it on first use; a nil arena
// builds it every time. Keys must name inputs that do not change while the Scope lives.
func Memoize[T any](a *Arena, key any, build func() (T, error)) (T, error) {
	if a == nil {
		return build()
	}
	a.mu.Lock()
	v, ok := a.memo[key]
	a.mu.Unlock()
	if ok {
		return v.(T), nil
	}
	t, err := build()
	if err != nil {
		return t, err
	}
	a.mu.Lock()
	if a.memo == nil {
		a.memo = map[any]any{}
	}
	a.memo[key] = t
	a.mu.Unlock()
	return t, nil
}

// arenas maps the graph of every Scope to its arena: ops find theirs through the graph of
// their inputs (ApplyOp), so a graph built outside a Scope simply uses Go's allocator. The key
// is a weak pointer and the entry goes when the graph is collected, so a Scope that is never
// run leaks nothing.
var arenas sync.Map // weak.Pointer[gorgonia.ExprGraph] -> *Arena

// newArena returns the arena of graph g.
func newArena(g *gorgonia.ExprGraph) *Arena {
	a := &Arena{}
	key := weak.Make(g)
	arenas.Store(key, a)
	runtime.AddCleanup(g, func(k weak.Pointer[gorgonia.ExprGraph]) { arenas.Delete(k) }, key)
	return a
}

func ArenaOf(g *gorgonia.ExprGraph) *Arena {
	if g == nil {
		return nil
	}
	if a, ok := arenas.Load(weak.Make(g)); ok {
		return a.(*Arena)
	}
	return nil
}

// Alloc returns a buffer of n elements of a's type (float32 or float64), zeroed when zero is
// set (otherwise its contents are arbitrary and the caller must write every element). A nil
// arena, or a small n, allocates with make.
func Alloc[T Float](a *Arena, n int, zero bool) []T {
	if a == nil || n < arenaMinLen {
		return make([]T, n)
	}
	c := sizeClass(n)
	pool.mu.Lock()
	buf := take(freeOf[T](pool), c)
	if buf != nil {
		pool.hits++
	}
	pool.mu.Unlock()
	if buf == nil {
		buf = make([]T, n, c) // fresh memory is zero
	} else {
		buf = buf[:n]
		if zero {
			clear(buf)
		}
	}
	a.mu.Lock()
	taken := takenOf[T](a)
	*taken = append(*taken, buf)
	a.mu.Unlock()
	return buf
}

// freeOf returns the pool's free lists of element type T.
func freeOf[T Float](p *bufferPool) map[int][]pooled[T] {
	if IsFloat32[T]() {
		return any(p.f32).(map[int][]pooled[T])
	}
	return any(p.f64).(map[int][]pooled[T])
}

// takenOf returns the list of buffers of element type T that a handed out.
func takenOf[T Float](a *Arena) *[][]T {
	if IsFloat32[T]() {
		return any(&a.f32).(*[][]T)
	}
	return any(&a.f64).(*[][]T)
}

// giveBack returns the buffers to the free lists m, stamped with generation gen.
func giveBack[T Float](m map[int][]pooled[T], bufs [][]T, gen uint64) {
	for _, b := range bufs {
		c := cap(b)
		m[c] = append(m[c], pooled[T]{buf: b[:c], gen: gen})
	}
}

// freeBytes returns the bytes of the buffers in the free lists m.
func freeBytes[T Float](m map[int][]pooled[T], size uint64) uint64 {
	var n uint64
	for _, list := range m {
		for _, p := range list {
			n += size * uint64(cap(p.buf))
		}
	}
	return n
}

// dense returns a [shape] tensor of dtype dt (Float32 or Float64) backed by an arena buffer.
func (a *Arena) dense(dt tensor.Dtype, zero bool, shape ...int) *tensor.Dense {
	n := 1
	for _, s := range shape {
		n *= s
	}
	if dt == tensor.Float32 {
		return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(Alloc[float32](a, n, zero)))
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(Alloc[float64](a, n, zero)))
}

// release gives every buffer of a back to the pool and drops pooled buffers unused for more
// than arenaKeep releases. Nothing may read a's buffers afterwards.
func (a *Arena) release() {
	if a == nil {
		return
	}
	a.mu.Lock()
	f32, f64 := a.f32, a.f64
	a.f32, a.f64, a.memo = nil, nil, nil
	a.mu.Unlock()
	pool.mu.Lock()
	defer pool.mu.Unlock()
	pool.gen++
	giveBack(pool.f32, f32, pool.gen)
	giveBack(pool.f64, f64, pool.gen)
	trim(pool.f32, pool.gen)
	trim(pool.f64, pool.gen)
}

// pooledBytes returns the bytes of the free buffers the pool holds.
func pooledBytes() uint64 {
	pool.mu.Lock()
	defer pool.mu.Unlock()
	return freeBytes(pool.f32, 4) + freeBytes(pool.f64, 8)
}
