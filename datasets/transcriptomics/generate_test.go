package transcriptomics

import (
	"context"
	"errors"
	"math"
	"runtime"
	"slices"
	"testing"
	"time"
)

// shortRequest is a fast request: the full 300-point grid, 400 Euler steps, a 4 × 5 grid.
func shortRequest(samples int, seed uint64, knockout bool) Request {
	cfg := DefaultConfig()
	cfg.Steps = 400
	return Request{
		Config:  cfg,
		Grid:    Grid{Name: "short", TimeSteps: []int{0, 100, 200, 399}, SpaceIndices: []int{0, 60, 120, 180, 299}, Knockout: knockout},
		Samples: samples, Seed: seed,
	}
}

func generate(t *testing.T, req Request) *Dataset {
	t.Helper()
	ds, err := Generate(context.Background(), req, nil)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return ds
}

func TestGenerate_Determinism(t *testing.T) {
	base := generate(t, shortRequest(6, 42, true))
	t.Run("same seed, same values", func(t *testing.T) {
		again := generate(t, shortRequest(6, 42, true))
		if !slices.Equal(base.Features, again.Features) || !slices.Equal(base.Stats, again.Stats) || !slices.Equal(base.Knockout, again.Knockout) {
			t.Fatal("two runs with seed 42 differ")
		}
	})
	t.Run("other seed, other values", func(t *testing.T) {
		other := generate(t, shortRequest(6, 43, true))
		if slices.Equal(base.Features, other.Features) {
			t.Fatal("seeds 42 and 43 give the same features")
		}
	})
	t.Run("independent of workers and GOMAXPROCS", func(t *testing.T) {
		for _, w := range []int{1, 2, 5} {
			req := shortRequest(6, 42, true)
			req.Workers = w
			if got := generate(t, req); !slices.Equal(got.Features, base.Features) || !slices.Equal(got.Stats, base.Stats) {
				t.Errorf("workers = %d changes the data", w)
			}
		}
		prev := runtime.GOMAXPROCS(1)
		defer runtime.GOMAXPROCS(prev)
		if got := generate(t, shortRequest(6, 42, true)); !slices.Equal(got.Features, base.Features) {
			t.Error("GOMAXPROCS = 1 changes the data")
		}
	})
	t.Run("sample i independent of the sample count", func(t *testing.T) {
		few := generate(t, shortRequest(2, 42, true))
		m := few.Grid.Nodes() * NumGenes
		if !slices.Equal(few.Features, base.Features[:2*m]) {
			t.Error("the first 2 of 6 samples differ from a data set of 2")
		}
	})
	t.Run("knockout keeps the initial state", func(t *testing.T) {
		// With exact frame times label 0 is the initial draw: the genes that are not knocked
		// out start from the same values as in the unperturbed sample of the same index.
		exact := func(knockout bool) *Dataset {
			req := shortRequest(6, 42, knockout)
			req.Config.ExactFrameTimes = true
			return generate(t, req)
		}
		plain, ko := exact(false), exact(true)
		g := plain.Grid
		for i := 0; i < 6; i++ {
			if plain.Knockout[i] != NoKnockout {
				t.Fatalf("sample %d of a plain grid has knockout %v", i, plain.Knockout[i])
			}
			gene := ko.Knockout[i]
			if gene < 0 || gene >= NumGenes {
				t.Fatalf("sample %d: knockout %v not a gene", i, gene)
			}
			p, _ := plain.Sample(i)
			k, _ := ko.Sample(i)
			for si := range g.SpaceIndices {
				for h := Gene(0); h < NumGenes; h++ {
					e := g.Node(0, si)*NumGenes + int(h)
					want := p[e]
					if h == gene {
						want = 0
					}
					if k[e] != want {
						t.Fatalf("sample %d space %d gene %v at label 0: %v, want %v", i, si, h, k[e], want)
					}
				}
			}
		}
	})
}

func TestGenerate_GridAndStats(t *testing.T) {
	req := shortRequest(3, 5, true)
	req.StatSteps = []int{0, 150, 399}
	ds := generate(t, req)
	if got, want := len(ds.Features), 3*20*NumGenes; got != want {
		t.Fatalf("len(Features) = %d, want %d", got, want)
	}
	sim, err := NewSimulator(req.Config)
	if err != nil {
		t.Fatal(err)
	}
	x0 := make([]float64, NumGenes*req.Config.Points)
	for i := 0; i < 3; i++ {
		fillInitial(x0, req.Config, SampleRand(req.Seed, i))
		if ds.Knockout[i] != KnockoutGene(req.Seed, i) {
			t.Fatalf("sample %d: knockout %v, KnockoutGene says %v", i, ds.Knockout[i], KnockoutGene(req.Seed, i))
		}
		frames := record(t, sim, x0, ds.Knockout[i], req.Grid.TimeSteps)
		got, err := ds.Sample(i)
		if err != nil {
			t.Fatal(err)
		}
		for ti := range req.Grid.TimeSteps {
			for si, p := range req.Grid.SpaceIndices {
				for g := 0; g < NumGenes; g++ {
					n := req.Grid.Node(ti, si)
					if got[n*NumGenes+g] != frames[ti][NumGenes*p+g] {
						t.Fatalf("sample %d node %d (t %d, s %d) gene %d: %v, simulator says %v", i, n, ti, si, g, got[n*NumGenes+g], frames[ti][NumGenes*p+g])
					}
				}
			}
		}
		stats := record(t, sim, x0, ds.Knockout[i], req.StatSteps)
		for k := range req.StatSteps {
			want := Range{Min: slices.Min(stats[k]), Max: slices.Max(stats[k])}
			if ds.Stats[i*3+k] != want {
				t.Errorf("sample %d stat %d: %+v, want %+v", i, k, ds.Stats[i*3+k], want)
			}
		}
	}
}

func TestGenerate_Errors(t *testing.T) {
	cases := []struct {
		name   string
		modify func(*Request)
		want   error
	}{
		{"no samples", func(r *Request) { r.Samples = 0 }, ErrInput},
		{"bad config", func(r *Request) { r.Config.DT = 0 }, ErrConfig},
		{"grid past horizon", func(r *Request) { r.Grid.TimeSteps = []int{0, 400} }, ErrInput},
		{"space index outside", func(r *Request) { r.Grid.SpaceIndices = []int{0, 300} }, ErrInput},
		{"stat step outside", func(r *Request) { r.StatSteps = []int{500} }, ErrInput},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := shortRequest(2, 1, false)
			tc.modify(&req)
			if _, err := Generate(context.Background(), req, nil); !errors.Is(err, tc.want) {
				t.Fatalf("Generate = %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := Generate(ctx, shortRequest(50, 1, false), nil); !errors.Is(err, context.Canceled) {
			t.Fatalf("Generate = %v, want context.Canceled", err)
		}
	})
	t.Run("progress", func(t *testing.T) {
		var calls []int
		if _, err := Generate(context.Background(), shortRequest(4, 1, false), func(d int) { calls = append(calls, d) }); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(calls, []int{1, 2, 3, 4}) {
			t.Fatalf("progress calls %v, want [1 2 3 4]", calls)
		}
	})
}

// TestGenerate_TuringPattern simulates 2 full training samples and checks that a pattern has
// formed: at t = 90 the genes span far more than the initial ±0.01.
func TestGenerate_TuringPattern(t *testing.T) {
	if testing.Short() {
		t.Skip("full-length simulation skipped in -short mode")
	}
	start := time.Now()
	ds := generate(t, Request{Config: DefaultConfig(), Grid: TrainGrid(), Samples: 2, Seed: 2025})
	t.Logf("2 full samples in %v (%.1f ms per sample, wall time per sample %v)", time.Since(start), 1000*time.Since(start).Seconds()/2, ds.SampleSeconds)
	const minSpan = 1.0 // 50 times the initial range
	g := ds.Grid
	for i := 0; i < 2; i++ {
		x, _ := ds.Sample(i)
		lo, hi := math.Inf(1), math.Inf(-1)
		last := g.Times() - 1
		for si := range g.SpaceIndices {
			for gene := 0; gene < NumGenes; gene++ {
				v := x[g.Node(last, si)*NumGenes+gene]
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
		if hi-lo < minSpan {
			t.Errorf("sample %d at t = 90: values span [%.3g, %.3g], want a span of at least %g", i, lo, hi, minSpan)
		}
		first := x[:g.Spaces()*NumGenes]
		if slices.Max(first) > 0.02 || slices.Min(first) < -0.02 {
			t.Errorf("sample %d at t = 0: values outside ±0.02: [%v, %v]", i, slices.Min(first), slices.Max(first))
		}
	}
	if got, want := len(ds.StatSteps), 16; got != want {
		t.Errorf("default stat steps: %d labels, want %d (train ∪ test)", got, want)
	}
}

func TestKnockoutGene_Uniform(t *testing.T) {
	var count [NumGenes]int
	const n = 3000
	for i := 0; i < n; i++ {
		count[KnockoutGene(9, i)]++
	}
	for g, c := range count { // expected 1000, sd ≈ 26
		if c < 880 || c > 1120 {
			t.Errorf("gene %d knocked out %d of %d times, want about %d", g, c, n, n/3)
		}
	}
}
