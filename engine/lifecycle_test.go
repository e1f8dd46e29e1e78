package engine_test

import (
	"math/rand"
	"runtime"
	"testing"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/layers"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// lifecycleHeapBound is the most the heap may grow between the first and the last steps of
// the rebuild-and-run loop, measured as the largest heap in use seen at the end of any step
// (no forced collections, so the collector paces itself as in a real run). One step's graph
// holds about 1 MB. A machine whose finalizer is left set keeps its whole graph alive for an
// extra collection, the retained heap raises the next collection's target, and the heap
// snowballs (docs/GORGONIA.md: 0.3 GB to 3 GB over 200 steps).
//
// Measured here: released machines peak at 4-6 MB in use; leaving the finalizers set peaks at
// 16 MB for the same loop. Since the arena pool (arena.go), heap in use is counted without the
// pool's free buffers, and released machines peak at 7-10 MB (the pool's buffers are live
// heap, so the collector runs later), unreleased ones at 14-17 MB. lifecyclePeakBound sits
// between the two.
const lifecycleHeapBound = 4 << 20

// lifecyclePeakBound is the most heap in use allowed at the end of any late step.
const lifecyclePeakBound = 12 << 20

// heapInUse returns the bytes of heap in use now, less the free buffers the arena pool keeps
// for the next step (bounded by a few steps' worth, arenaKeep).
func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse - min(engine.PooledBytes(), m.HeapInuse)
}

// liveHeap returns the live heap after two collections.
func liveHeap() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

func TestLifecycle_HeapStaysFlat(t *testing.T) {
	steps := 200
	ps, _ := engine.NewParams(tensor.Float32, 1)
	lift, err := layers.NewMLP(ps, "lift", layers.MLPConfig{Dims: []int{4, 32, 32}, Norm: true})
	if err != nil {
		t.Fatal(err)
	}
	conv, err := layers.NewGATConv(ps, "gat", layers.GATConfig{In: 32, Out: 32})
	if err != nil {
		t.Fatal(err)
	}
	out, err := layers.NewLinear(ps, "out", layers.LinearConfig{In: 32, Out: 3})
	if err != nil {
		t.Fatal(err)
	}
	// The collector's pacing depends on the load of the machine, so one measurement can
	// overshoot by a few MB; a heap that snowballs does so every time, so the loop is measured
	// up to three times and fails only if every attempt is beyond the bounds.
	var early, late uint64
	for attempt := 1; attempt <= 3; attempt++ {
		early, late = lifecycleLoop(t, ps, lift, conv, out, steps, int64(attempt))
		t.Logf("attempt %d: largest heap in use, steps 10-39: %.1f MB; steps %d-%d: %.1f MB; live heap at the end: %.1f MB",
			attempt, float64(early)/1e6, steps-30, steps-1, float64(late)/1e6, float64(liveHeap())/1e6)
		if late <= early+lifecycleHeapBound && late <= lifecyclePeakBound {
			return
		}
	}
	if late > early+lifecycleHeapBound {
		t.Fatalf("heap in use grew from %d to %d bytes over %d steps (bound %d)", early, late, steps, lifecycleHeapBound)
	}
	t.Fatalf("heap in use reached %d bytes (bound %d): are machines released?", late, lifecyclePeakBound)
}

// lifecycleLoop rebuilds and runs a small training graph steps times, and returns the largest
// heap in use at the end of steps 10-39 and of the last 30 steps.
func lifecycleLoop(t *testing.T, ps *engine.Params, lift *layers.MLP, conv *layers.GATConv, out *layers.Linear, steps int, seed int64) (early, late uint64) {
	t.Helper()
	rng := rand.New(rand.NewSource(seed))
	runtime.GC()
	for step := 0; step < steps; step++ {
		n := 400 + rng.Intn(200) // every step a graph of another size, as under DMP
		x, e := randomGraph(rng, n, 4, 6)
		s := engine.NewScope(ps, true)
		xn, _ := s.Input("x", x, n, 4)
		h, err := lift.Forward(s, xn)
		if err != nil {
			t.Fatal(err)
		}
		if h, err = conv.Forward(s, h, e); err != nil {
			t.Fatal(err)
		}
		if h, err = out.Forward(s, h); err != nil {
			t.Fatal(err)
		}
		sq, _ := gorgonia.Square(h)
		loss, _ := gorgonia.Mean(sq)
		if _, err := s.Run(loss); err != nil {
			t.Fatal(err)
		}
		inUse := heapInUse()
		switch {
		case step >= 10 && step < 40:
			early = max(early, inUse)
		case step >= steps-30:
			late = max(late, inUse)
		}
	}
	return early, late
}

// randomGraph returns n nodes of dim standard normal features and, for every node, degree
// edges from nodes drawn uniformly.
func randomGraph(rng *rand.Rand, n, dim, degree int) ([]float64, *graphs.Edges) {
	x := make([]float64, n*dim)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	e := &graphs.Edges{}
	for i := 0; i < n; i++ {
		for k := 0; k < degree; k++ {
			e.Src, e.Dst = append(e.Src, rng.Intn(n)), append(e.Dst, i)
		}
	}
	return x, e
}
