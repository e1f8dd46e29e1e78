package graphs

import (
	"errors"
	"math/rand"
	"reflect"
	"runtime"
	"testing"

	"github.com/ncgn/ncgn/schedules"
)

// testBatch returns clouds of varying sizes and their noise levels.
func testBatch(rng *rand.Rand, b, dim int) ([][]float64, []schedules.NoiseLevel) {
	samples := make([][]float64, b)
	ts := make([]schedules.NoiseLevel, b)
	for i := range samples {
		n := 30 + rng.Intn(300)
		samples[i] = uniformCloud(rng, n, dim)
		ts[i] = schedules.NoiseLevel(rng.Float64())
	}
	ts[0], ts[b-1] = 0, 1
	return samples, ts
}

func TestNewBatch_Offsets(t *testing.T) {
	samples, ts := testBatch(rand.New(rand.NewSource(21)), 6, 3)
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			plans, err := NewPlans(samples, 3, ts, PlanConfig{Kind: kind, K: 5}, 1)
			if err != nil {
				t.Fatal(err)
			}
			b, err := NewBatch(plans)
			if err != nil {
				t.Fatal(err)
			}
			if b.B() != 6 || b.Dim != 3 || len(b.NodeOffset) != 7 || len(b.SuperOffset) != 7 {
				t.Fatalf("B=%d dim=%d offsets %d %d", b.B(), b.Dim, len(b.NodeOffset), len(b.SuperOffset))
			}
			e := 0
			for k, p := range plans {
				no, so := b.NodeOffset[k], b.SuperOffset[k]
				if b.NodeOffset[k+1]-no != p.N || b.SuperOffset[k+1]-so != p.Supernodes || b.T[k] != p.T {
					t.Fatalf("plan %d: offsets %d..%d, %d..%d for N=%d S=%d", k, no, b.NodeOffset[k+1], so, b.SuperOffset[k+1], p.N, p.Supernodes)
				}
				for j := range p.N {
					if b.Assign[no+j] != p.Assign[j]+so || b.Sample[no+j] != k || b.Pos[(no+j)*3] != p.Pos[j*3] || b.FineAttr[2*(no+j)] != p.FineAttr[2*j] {
						t.Fatalf("plan %d node %d: global node %d wrong", k, j, no+j)
					}
				}
				for c := range p.Supernodes {
					if b.SuperSample[so+c] != k || b.SuperPos[(so+c)*3+2] != p.SuperPos[c*3+2] {
						t.Fatalf("plan %d supernode %d: global supernode %d wrong", k, c, so+c)
					}
				}
				for m := range p.Edges.Src {
					if b.Edges.Src[e] != p.Edges.Src[m]+so || b.Edges.Dst[e] != p.Edges.Dst[m]+so || b.EdgeAttr[2*e] != p.EdgeAttr[2*m] {
						t.Fatalf("plan %d edge %d: global edge %d wrong", k, m, e)
					}
					e++
				}
			}
			if b.N != b.NodeOffset[6] || b.S != b.SuperOffset[6] || b.Edges.Len() != e || len(b.Sample) != b.N || len(b.SuperSample) != b.S {
				t.Fatalf("totals N=%d S=%d edges=%d", b.N, b.S, b.Edges.Len())
			}
			// edges never cross samples
			for m, j := range b.Edges.Src {
				if b.SuperSample[j] != b.SuperSample[b.Edges.Dst[m]] {
					t.Fatalf("edge %d crosses samples", m)
				}
			}
		})
	}
}

func TestNewBatch_Errors(t *testing.T) {
	p2, err := NewPlan([]float64{0, 0, 1, 1}, 2, 2, 0.5, PlanConfig{Kind: KNN, K: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p3, err := NewPlan([]float64{0, 0, 0, 1, 1, 1}, 2, 3, 0.5, PlanConfig{Kind: KNN, K: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	broken := *p2
	broken.Assign = []int{0, 5}
	for _, tc := range []struct {
		name  string
		plans []*Plan
	}{
		{"empty", nil},
		{"nil plan", []*Plan{p2, nil}},
		{"mixed dimensions", []*Plan{p2, p3}},
		{"bad assignment", []*Plan{p2, &broken}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewBatch(tc.plans); !errors.Is(err, ErrShape) {
				t.Errorf("error %v, want ErrShape", err)
			}
		})
	}
}

// TestNewPlans_Deterministic: the plans depend on the seed only, not on the number of
// goroutines; they equal plans built one by one with SampleRand.
func TestNewPlans_Deterministic(t *testing.T) {
	samples, ts := testBatch(rand.New(rand.NewSource(22)), 9, 3)
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			cfg := PlanConfig{Kind: kind, K: 6}
			prev := runtime.GOMAXPROCS(1)
			one, err := NewPlans(samples, 3, ts, cfg, 42)
			runtime.GOMAXPROCS(max(prev, 3))
			many, err2 := NewPlans(samples, 3, ts, cfg, 42)
			runtime.GOMAXPROCS(prev)
			if err != nil || err2 != nil {
				t.Fatal(err, err2)
			}
			if !reflect.DeepEqual(one, many) {
				t.Fatal("plans differ between 1 and several goroutines")
			}
			for b := range samples {
				var rng *rand.Rand
				if kind == LongShort {
					rng = SampleRand(42, b)
				}
				p, err := NewPlan(samples[b], len(samples[b])/3, 3, ts[b], cfg, rng)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(p, one[b]) {
					t.Fatalf("sample %d differs from NewPlan with SampleRand", b)
				}
			}
			if kind == LongShort {
				other, err := NewPlans(samples, 3, ts, cfg, 43)
				if err != nil {
					t.Fatal(err)
				}
				if reflect.DeepEqual(other[0].Edges, one[0].Edges) {
					t.Fatal("another seed gives the same random edges")
				}
			}
		})
	}
}

func TestNewPlans_Errors(t *testing.T) {
	samples, ts := testBatch(rand.New(rand.NewSource(23)), 4, 2)
	cfg := PlanConfig{Kind: DMP, K: 3}
	if _, err := NewPlans(samples, 2, ts[:3], cfg, 0); !errors.Is(err, ErrShape) {
		t.Errorf("too few noise levels: error %v, want ErrShape", err)
	}
	bad := append([][]float64(nil), samples...)
	bad[2] = bad[2][:len(bad[2])-1]
	if _, err := NewPlans(bad, 2, ts, cfg, 0); !errors.Is(err, ErrShape) {
		t.Errorf("ragged sample: error %v, want ErrShape", err)
	}
	ts[1] = 2
	if _, err := NewPlans(samples, 2, ts, cfg, 0); !errors.Is(err, ErrValue) {
		t.Errorf("t = 2: error %v, want ErrValue", err)
	}
	if _, err := NewPlans(samples, 2, ts, PlanConfig{Kind: KNN}, 0); !errors.Is(err, ErrConfig) {
		t.Errorf("k = 0: error %v, want ErrConfig", err)
	}
}
