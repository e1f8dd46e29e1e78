package graphs

import (
	"errors"
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/ncgn/ncgn/schedules"
)

func TestNewPlan_Invariants(t *testing.T) {
	rng := rand.New(rand.NewSource(11))
	pos := uniformCloud(rng, 400, 3)
	for _, kind := range Kinds {
		for _, tt := range []schedules.NoiseLevel{0, 0.3, 0.5, 0.9, 0.999, 1} {
			t.Run(fmt.Sprintf("%s/t=%v", kind, tt), func(t *testing.T) {
				cfg := PlanConfig{Kind: kind, K: 7}
				p, err := NewPlan(pos, 400, 3, tt, cfg, rand.New(rand.NewSource(1)))
				if err != nil {
					t.Fatal(err)
				}
				checkPlan(t, p, pos, cfg)
			})
		}
	}
}

// checkPlan checks a plan against its definition.
func checkPlan(t *testing.T, p *Plan, pos []float64, cfg PlanConfig) {
	t.Helper()
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	for i, x := range pos {
		if p.Pos[i] != x {
			t.Fatalf("Pos[%d] = %v, want %v", i, p.Pos[i], x)
		}
	}
	if &p.Pos[0] == &pos[0] {
		t.Fatal("Pos aliases the input")
	}
	if !p.Coarsened {
		if p.Supernodes != p.N {
			t.Fatalf("not coarsened but %d supernodes of %d", p.Supernodes, p.N)
		}
		for j, c := range p.Assign {
			if c != j {
				t.Fatalf("not coarsened but node %d in supernode %d", j, c)
			}
		}
	} else if p.Kind != DMP || p.Scheduled >= p.N || p.Supernodes > p.Scheduled {
		t.Fatalf("coarsened %s plan: s_t = %d, %d supernodes of %d nodes", p.Kind, p.Scheduled, p.Supernodes, p.N)
	}
	checkMeans(t, p.Pos, p.Dim, p.Assign, p.Supernodes, p.SuperPos)
	// every supernode receives min(Neighbours, S-1) edges, no self loops
	in := make([]int, p.Supernodes)
	for m, j := range p.Edges.Src {
		i := p.Edges.Dst[m]
		if i == j {
			t.Fatalf("self loop at %d", i)
		}
		in[i]++
		l := math.Sqrt(dist2(p.SuperPos, p.Dim, i, j))
		if math.Abs(p.EdgeAttr[2*m]-l) > attrTol || p.EdgeAttr[2*m+1] != float64(p.T) {
			t.Fatalf("edge %d attributes %v, want (%v, %v)", m, p.EdgeAttr[2*m:2*m+2], l, p.T)
		}
	}
	for i, d := range in {
		if want := min(p.Neighbours, p.Supernodes-1); d != want {
			t.Fatalf("supernode %d receives %d edges, want %d", i, d, want)
		}
	}
	if p.Kind == DMP || p.Kind == KNN {
		want, err := KNNGraph(p.SuperPos, p.Supernodes, p.Dim, p.Neighbours)
		if err != nil {
			t.Fatal(err)
		}
		if !sameInts(p.Edges.Src, want.Src) || !sameInts(p.Edges.Dst, want.Dst) {
			t.Fatal("coarse edges are not the kNN graph of the supernodes")
		}
	}
	for j, c := range p.Assign {
		var d2 float64
		for d := range p.Dim {
			x := p.Pos[j*p.Dim+d] - p.SuperPos[c*p.Dim+d]
			d2 += x * x
		}
		if math.Abs(p.FineAttr[2*j]-math.Sqrt(d2)) > attrTol || p.FineAttr[2*j+1] != float64(p.T) {
			t.Fatalf("node %d fine attributes %v", j, p.FineAttr[2*j:2*j+2])
		}
	}
	switch p.Kind {
	case KNN, LongShort:
		if p.Neighbours != cfg.K {
			t.Fatalf("neighbours %d, want k = %d", p.Neighbours, cfg.K)
		}
	case Full:
		if p.Neighbours != p.N-1 {
			t.Fatalf("neighbours %d, want N-1 = %d", p.Neighbours, p.N-1)
		}
	}
}

// TestNewPlan_DMP checks the numbers of REFERENCE.md §2-3 for ModelNet40's N = 400, k = 7.
func TestNewPlan_DMP(t *testing.T) {
	pos := uniformCloud(rand.New(rand.NewSource(12)), 400, 3)
	tests := []struct {
		name       string
		t          schedules.NoiseLevel
		cfg        PlanConfig
		scheduled  int
		neighbours int
		supernodes int // v^3, the most voxel clustering can give (all occupied at t = 0 and 1)
		coarsened  bool
	}{
		{"t=0: 53 scheduled, v=3, full graph of 27", 0, PlanConfig{Kind: DMP, K: 7}, 53, 53, 27, true},
		{"t=0.9", 0.9, PlanConfig{Kind: DMP, K: 7}, 181, 16, 125, true},
		{"t=1: full resolution", 1, PlanConfig{Kind: DMP, K: 7}, 400, 7, 400, false},
		{"linear t=0.5", 0.5, PlanConfig{Kind: DMP, K: 7, Schedule: schedules.Linear}, 227, 13, 216, true},
		{"float root t=0.5 linear", 0.5, PlanConfig{Kind: DMP, K: 7, Schedule: schedules.Linear, FloatRoot: true}, 227, 13, 216, true},
		{"log t=0.1", 0.1, PlanConfig{Kind: DMP, K: 7, Schedule: schedules.Log}, 154, 19, 125, true},
		{"relu t=0.6", 0.6, PlanConfig{Kind: DMP, K: 7, Schedule: schedules.ReLU}, 53, 53, 27, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := NewPlan(pos, 400, 3, tc.t, tc.cfg, nil)
			if err != nil {
				t.Fatal(err)
			}
			ok := p.Supernodes <= tc.supernodes && 2*p.Supernodes > tc.supernodes
			if tc.t == 0 || tc.t == 1 {
				ok = p.Supernodes == tc.supernodes
			}
			if p.Scheduled != tc.scheduled || p.Neighbours != tc.neighbours || !ok || p.Coarsened != tc.coarsened {
				t.Errorf("s_t=%d k_t=%d S=%d coarsened=%v, want %d %d S<=%d %v", p.Scheduled, p.Neighbours, p.Supernodes, p.Coarsened,
					tc.scheduled, tc.neighbours, tc.supernodes, tc.coarsened)
			}
			checkPlan(t, p, pos, tc.cfg)
		})
	}
}

// TestNewPlan_FloatRoot: with k N = 4096 the coarsest target is s_0 = 64 exactly, where the
// reference's float root gives 3 voxels per dimension instead of 4.
func TestNewPlan_FloatRoot(t *testing.T) {
	pos := uniformCloud(rand.New(rand.NewSource(13)), 512, 3)
	for _, tc := range []struct {
		floatRoot bool
		want      int
	}{{false, 64}, {true, 27}} {
		p, err := NewPlan(pos, 512, 3, 0, PlanConfig{Kind: DMP, K: 8, FloatRoot: tc.floatRoot}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if p.Scheduled != 64 || p.Supernodes != tc.want {
			t.Errorf("float root %v: s_t = %d, %d supernodes, want 64 and %d", tc.floatRoot, p.Scheduled, p.Supernodes, tc.want)
		}
	}
}

func TestNewPlan_Errors(t *testing.T) {
	pos := []float64{0, 0, 1, 0, 0, 1, 1, 1}
	nan := []float64{0, 0, 1, math.NaN(), 0, 1, 1, 1}
	rng := rand.New(rand.NewSource(1))
	tests := []struct {
		name   string
		pos    []float64
		n, dim int
		t      schedules.NoiseLevel
		cfg    PlanConfig
		rng    *rand.Rand
		want   error
	}{
		{"NaN position", nan, 4, 2, 0.5, PlanConfig{Kind: DMP, K: 2}, nil, ErrValue},
		{"t below 0", pos, 4, 2, -0.1, PlanConfig{Kind: DMP, K: 2}, nil, ErrValue},
		{"t above 1", pos, 4, 2, 1.5, PlanConfig{Kind: KNN, K: 2}, nil, ErrValue},
		{"t NaN", pos, 4, 2, schedules.NoiseLevel(math.NaN()), PlanConfig{Kind: Full}, nil, ErrValue},
		{"k 0", pos, 4, 2, 0.5, PlanConfig{Kind: DMP}, nil, ErrConfig},
		{"knn k -1", pos, 4, 2, 0.5, PlanConfig{Kind: KNN, K: -1}, nil, ErrConfig},
		{"unknown kind", pos, 4, 2, 0.5, PlanConfig{Kind: "radius", K: 2}, nil, ErrConfig},
		{"unknown schedule", pos, 4, 2, 0.5, PlanConfig{Kind: DMP, K: 2, Schedule: "cosine"}, nil, ErrConfig},
		{"bad split", pos, 4, 2, 0.5, PlanConfig{Kind: DMP, K: 2, Schedule: schedules.ReLU, Split: 2}, nil, ErrConfig},
		{"nil rng", pos, 4, 2, 0.5, PlanConfig{Kind: LongShort, K: 2}, nil, ErrConfig},
		{"shape", pos, 3, 2, 0.5, PlanConfig{Kind: KNN, K: 2}, rng, ErrShape},
		{"no points", nil, 0, 2, 0.5, PlanConfig{Kind: KNN, K: 2}, rng, ErrShape},
		{"dim 0", pos, 4, 0, 0.5, PlanConfig{Kind: KNN, K: 2}, rng, ErrShape},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewPlan(tc.pos, tc.n, tc.dim, tc.t, tc.cfg, tc.rng); !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
	// the schedule's own sentinel is kept too
	if _, err := NewPlan(pos, 4, 2, 0.5, PlanConfig{Kind: DMP, K: 2, Schedule: "cosine"}, nil); !errors.Is(err, schedules.ErrConfig) {
		t.Errorf("unknown schedule: error %v, want schedules.ErrConfig too", err)
	}
}

// TestNewPlan_Small: tiny clouds (one point, two points, 1-D) give valid plans.
func TestNewPlan_Small(t *testing.T) {
	for _, tc := range []struct {
		pos    []float64
		n, dim int
	}{{[]float64{0.5}, 1, 1}, {[]float64{0, 1}, 2, 1}, {[]float64{0, 0, 1, 1}, 2, 2}, {[]float64{0, 0, 0, 1, 1, 1, 2, 2, 2}, 3, 3}} {
		for _, kind := range Kinds {
			for _, tt := range []schedules.NoiseLevel{0, 0.5, 1} {
				cfg := PlanConfig{Kind: kind, K: 3}
				p, err := NewPlan(tc.pos, tc.n, tc.dim, tt, cfg, rand.New(rand.NewSource(1)))
				if err != nil {
					t.Fatalf("%s n=%d t=%v: %v", kind, tc.n, tt, err)
				}
				checkPlan(t, p, tc.pos, cfg)
			}
		}
	}
}
