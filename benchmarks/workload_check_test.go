package benchmarks

import (
	"math"
	"testing"

	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/models"
)

// The benchmark harness is code too: these tests check that every workload builds, that its
// steps compute finite values on graphs of the expected size, and the sizes of the rules.

// TestWorkloads_Names checks that benchmark names are unique within each benchmark.
func TestWorkloads_Names(t *testing.T) {
	for _, tc := range []struct {
		name string
		ws   []workload
		key  func(workload) string
		want int
	}{
		{"paper", paperWorkloads(), workload.name, 12},
		{"smoke", smokeWorkloads(), workload.name, 14},
		{"scaling", scalingWorkloads(), scalingName, 17},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seen := map[string]bool{}
			for _, w := range tc.ws {
				if seen[tc.key(w)] {
					t.Errorf("name %s twice", tc.key(w))
				}
				seen[tc.key(w)] = true
			}
			if len(seen) != tc.want {
				t.Errorf("%d workloads, want %d", len(seen), tc.want)
			}
		})
	}
}

// TestScalingWorkloads_ConstantPoints checks the scaling rule: batch x N is the same for every
// size of a kind.
func TestScalingWorkloads_ConstantPoints(t *testing.T) {
	for _, w := range scalingWorkloads() {
		want := scalingPoints
		if w.kind == graphs.Full {
			want = scalingFullPoints
		}
		if w.batch*w.nodes != want || w.levels != levelsStratified || w.task != modelNet {
			t.Errorf("%s: batch %d x %d points (%v, %s), want %d points, stratified levels, modelnet", scalingName(w), w.batch, w.nodes, w.levels, w.task, want)
		}
	}
}

// TestSpatialGrid checks the transcriptomics positions against the peer's st_grid layout.
func TestSpatialGrid(t *testing.T) {
	g := spatialGrid()
	const tol = 1e-15
	for _, tc := range []struct {
		node int
		s, t float64
	}{{0, 0, 0}, {1, 6.0 / 54, 0}, {10, 0, 10.0 / 90}, {99, 1, 1}} {
		if math.Abs(g[2*tc.node]-tc.s) > tol || math.Abs(g[2*tc.node+1]-tc.t) > tol {
			t.Errorf("node %d at (%v, %v), want (%v, %v)", tc.node, g[2*tc.node], g[2*tc.node+1], tc.s, tc.t)
		}
	}
	if len(g) != 200 {
		t.Errorf("%d coordinates, want 200", len(g))
	}
}

// TestSampleLevel checks the sampling picks: the first and last of the peer's 20 are the ends
// of the sampler's levels (ModelNet40: evaluation 0 at DDPM index 999, t = 1 under the
// reference orientation, then evaluation 999 at index 0, t = 0; transcriptomics: t = 0 then
// the last Euler step, t = 1).
func TestSampleLevel(t *testing.T) {
	const tol = 1e-12
	for _, tc := range []struct {
		name  string
		w     workload
		k     int
		eval  int
		level float64
	}{
		{"modelnet first", modelNetWorkload(graphs.DMP, models.GAT), 0, 0, 1},
		{"modelnet last", modelNetWorkload(graphs.DMP, models.GAT), samplePicks - 1, 999, 0},
		{"modelnet wraps", modelNetWorkload(graphs.DMP, models.GAT), samplePicks, 0, 1},
		{"st first", spatialWorkload(graphs.DMP, models.GAT), 0, 0, 0},
		{"st middle", spatialWorkload(graphs.DMP, models.GAT), 1, 10, 10.0 / 199},
		{"st last", spatialWorkload(graphs.DMP, models.GAT), samplePicks - 1, 199, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := tc.w
			w.batch = 1
			r, err := newRig(w, 1)
			if err != nil {
				t.Fatal(err)
			}
			e, lv := r.sampleEval(tc.k, samplePicks)
			if e != tc.eval || math.Abs(float64(lv)-tc.level) > tol {
				t.Errorf("pick %d = evaluation %d at t = %v, want %d at %v", tc.k, e, float64(lv), tc.eval, tc.level)
			}
		})
	}
}

// TestWorkloads_Steps runs a training and a sampling step of every smoke workload and checks
// the loss, the sampled state and the graph sizes.
func TestWorkloads_Steps(t *testing.T) {
	for _, w := range smokeWorkloads() {
		t.Run(w.name(), func(t *testing.T) {
			r, err := newRig(w, 3)
			if err != nil {
				t.Fatal(err)
			}
			st, err := r.trainStep()
			if err != nil {
				t.Fatal(err)
			}
			if !(st.loss > 0) || math.IsInf(st.loss, 0) {
				t.Errorf("loss %v, want finite and > 0", st.loss)
			}
			checkSizes(t, w, st)
			e, err := r.prepareSample(5, samplePicks)
			if err != nil {
				t.Fatal(err)
			}
			if st, err = r.sampleStep(e); err != nil {
				t.Fatal(err)
			}
			checkSizes(t, w, st)
			for k, x := range r.batch.State().X {
				if math.IsNaN(x) || math.IsInf(x, 0) {
					t.Fatalf("sampled state %v at %d", x, k)
				}
			}
		})
	}
}

// checkSizes checks a step's graph: full resolution for knn, long-short and full, with B·N·k,
// B·N·k and B·N·(N-1) edges; fewer or as many supernodes as nodes for dmp.
func checkSizes(t *testing.T, w workload, st stepTimes) {
	t.Helper()
	if st.data < 0 || st.plan < 0 || st.net < 0 || st.update < 0 {
		t.Errorf("negative time in %+v", st)
	}
	n := w.batch * w.nodes
	var edges int
	switch w.kind {
	case graphs.DMP:
		if st.nodes < w.batch || st.nodes > n || st.edges < 1 {
			t.Errorf("dmp: %d supernodes and %d edges for %d nodes", st.nodes, st.edges, n)
		}
		return
	case graphs.KNN, graphs.LongShort:
		edges = n * w.k
	case graphs.Full:
		edges = n * (w.nodes - 1)
	}
	if st.nodes != n || st.edges != edges {
		t.Errorf("%s: %d supernodes and %d edges, want %d and %d", w.kind, st.nodes, st.edges, n, edges)
	}
}

// TestTrainStep_Deterministic checks that a seed fixes a step: two rigs give the same loss.
func TestTrainStep_Deterministic(t *testing.T) {
	for _, w := range smokeWorkloads()[:2] {
		var losses [2]float64
		for k := range losses {
			r, err := newRig(w, 7)
			if err != nil {
				t.Fatal(err)
			}
			var st stepTimes
			for range 5 {
				if st, err = r.trainStep(); err != nil {
					t.Fatal(err)
				}
			}
			losses[k] = st.loss
		}
		if losses[0] != losses[1] {
			t.Errorf("%s: losses %v differ", w.name(), losses)
		}
	}
}

// TestWorkloads_ReferenceNetwork checks that the paper workloads time the peer's network: the
// reference architecture, whose parameter counts are the reference's less its unused Linear
// (ModelNet40 GAT 225,731, GCN 225,347; transcriptomics GAT 58,531, GCN 58,339).
func TestWorkloads_ReferenceNetwork(t *testing.T) {
	for _, tc := range []struct {
		w    workload
		want int
	}{
		{modelNetWorkload(graphs.DMP, models.GAT), 225731},
		{modelNetWorkload(graphs.DMP, models.GCN), 225347},
		{spatialWorkload(graphs.DMP, models.GAT), 58531},
		{spatialWorkload(graphs.DMP, models.GCN), 58339},
	} {
		w := tc.w
		w.batch = 1
		r, err := newRig(w, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.ps.Count(); got != tc.want {
			t.Errorf("%s: %d parameters, want %d", w.name(), got, tc.want)
		}
	}
}
