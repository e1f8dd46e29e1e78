package transcriptomics

import (
	"errors"
	"math"
	"path/filepath"
	"testing"

	"github.com/ncgn/ncgn/datasets"
)

// Named tolerances.
const (
	tolHand     = 1e-12 // hand-computed steps against the simulator
	tolGolden   = 1e-12 // NumPy golden frames (relative to the frame's largest magnitude)
	tolConserve = 1e-12 // relative change of a conserved total
)

// record runs sim and returns copies of the frames, point-major [frame][point][gene].
func record(t *testing.T, sim *Simulator, x0 []float64, ko Gene, labels []int) [][]float64 {
	t.Helper()
	var frames [][]float64
	err := sim.Run(x0, ko, labels, func(j int, st State) error {
		f := make([]float64, NumGenes*len(st[0]))
		for i := range st[0] {
			for g := 0; g < NumGenes; g++ {
				f[NumGenes*i+g] = st[g][i]
			}
		}
		frames = append(frames, f)
		return nil
	})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return frames
}

// TestSimulator_HandSteps checks three Euler steps on a 4-point grid against the equations
// written out by hand: the interior points 1 and 2 follow
//
//	s += dt·(k2·b + k3·w − s³), b += dt·(k4·s + k5·b + d_b·(b_l + b_r − 2b)/ds²), w likewise,
//
// from the old values, then the boundaries copy their neighbours.
func TestSimulator_HandSteps(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Points, cfg.Steps = 4, 3
	x0 := []float64{ // [point][gene]
		0.004, -0.002, 0.007,
		-0.006, 0.009, 0.001,
		0.003, -0.008, -0.005,
		0.010, 0.002, -0.009,
	}
	hand := func(x []float64) []float64 {
		c, ds2 := cfg, cfg.DS*cfg.DS
		y := append([]float64(nil), x...)
		for i := 1; i <= 2; i++ {
			s, b, w := x[3*i], x[3*i+1], x[3*i+2]
			lb := (x[3*(i-1)+1] + x[3*(i+1)+1] - 2*b) / ds2
			lw := (x[3*(i-1)+2] + x[3*(i+1)+2] - 2*w) / ds2
			y[3*i] = s + c.DT*(c.K2*b+c.K3*w-s*s*s)
			y[3*i+1] = b + c.DT*(c.K4*s+c.K5*b+c.DB*lb)
			y[3*i+2] = w + c.DT*(c.K7*s+c.K9*w+c.DW*lw)
		}
		for g := 0; g < 3; g++ {
			y[g] = y[3+g]
			y[9+g] = y[6+g]
		}
		return y
	}
	want := [][]float64{}
	x := x0
	for k := 0; k < 3; k++ {
		x = hand(x)
		want = append(want, x)
	}
	sim, err := NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	got := record(t, sim, x0, NoKnockout, []int{0, 1, 2}) // labels k = after k+1 steps
	for k := range want {
		for e := range want[k] {
			if d := math.Abs(got[k][e] - want[k][e]); d > tolHand {
				t.Errorf("step %d entry %d (point %d gene %d): got %.17g, want %.17g (|diff| %.3g > %g)", k+1, e, e/3, e%3, got[k][e], want[k][e], d, tolHand)
			}
		}
	}

	t.Run("exact frame times", func(t *testing.T) {
		cfg := cfg
		cfg.ExactFrameTimes = true
		sim, err := NewSimulator(cfg)
		if err != nil {
			t.Fatal(err)
		}
		got := record(t, sim, x0, NoKnockout, []int{0, 3})
		for e := range x0 {
			if got[0][e] != x0[e] {
				t.Fatalf("label 0 with ExactFrameTimes: entry %d = %v, want the initial %v", e, got[0][e], x0[e])
			}
			if d := math.Abs(got[1][e] - want[2][e]); d > tolHand {
				t.Fatalf("label 3 with ExactFrameTimes: entry %d = %v, want %v", e, got[1][e], want[2][e])
			}
		}
	})
}

// TestSimulator_Golden compares with an independent NumPy implementation of the reference's
// scheme (testdata/golden.py), up to label 18000, with and without a knockout.
func TestSimulator_Golden(t *testing.T) {
	x0a, err := datasets.ReadNpy(filepath.Join("testdata", "golden_x0.npy"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		file   string
		labels []int
		ko     Gene
	}{
		{"plain", "golden_frames.npy", []int{0, 1, 2, 100, 2000, 10000, 18000}, NoKnockout},
		{"wnt knocked out", "golden_knockout_frames.npy", []int{0, 2000, 18000}, Wnt},
	}
	sim, err := NewSimulator(DefaultConfig())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want, err := datasets.ReadNpy(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			got := record(t, sim, x0a.Data, tc.ko, tc.labels)
			per := 300 * NumGenes
			for j, l := range tc.labels {
				w := want.Data[j*per : (j+1)*per]
				scale := 0.0
				for _, v := range w {
					scale = math.Max(scale, math.Abs(v))
				}
				worst := 0.0
				for e := range w {
					worst = math.Max(worst, math.Abs(got[j][e]-w[e]))
				}
				if worst > tolGolden*scale {
					t.Errorf("label %d: max |Go − NumPy| = %.3g, more than %g × max |value| %.3g", l, worst, tolGolden, scale)
				}
			}
		})
	}
}

// TestSimulator_Neumann checks that at every recorded frame each boundary value equals its
// neighbour, for every gene, with and without a knockout.
func TestSimulator_Neumann(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Steps = 600
	x0, err := InitialState(cfg, SampleRand(7, 0))
	if err != nil {
		t.Fatal(err)
	}
	sim, err := NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, ko := range []Gene{NoKnockout, Sox9, Bmp, Wnt} {
		t.Run("knockout "+ko.String(), func(t *testing.T) {
			frames := 0
			err := sim.Run(x0, ko, []int{0, 1, 10, 250, 599}, func(j int, st State) error {
				frames++
				n := len(st[0])
				for g := range st {
					if st[g][0] != st[g][1] || st[g][n-1] != st[g][n-2] {
						t.Errorf("frame %d gene %v: boundary (%v, %v) differs from neighbours (%v, %v)", j, Gene(g), st[g][0], st[g][n-1], st[g][1], st[g][n-2])
					}
					if Gene(g) == ko {
						for i, v := range st[g] {
							if v != 0 {
								t.Fatalf("frame %d: knocked-out %v is %v at point %d", j, ko, v, i)
							}
						}
					}
				}
				return nil
			})
			if err != nil || frames != 5 {
				t.Fatalf("Run: %v after %d frames", err, frames)
			}
		})
	}
}

// TestSimulator_ZeroFlux checks the no-flux boundary: with the reactions off, the total of each
// gene over the interior points is the same at every frame (label 0 is after the first step,
// which makes the boundaries copies of their neighbours).
func TestSimulator_ZeroFlux(t *testing.T) {
	cfg := DefaultConfig()
	cfg.DiffusionOnly, cfg.Steps = true, 3000
	x0, err := InitialState(cfg, SampleRand(11, 3))
	if err != nil {
		t.Fatal(err)
	}
	// A large-scale bump as well, so that diffusion carries mass to the boundaries.
	for i := 0; i < cfg.Points; i++ {
		x0[NumGenes*i+int(Bmp)] += math.Exp(-float64(i) / 20)
		x0[NumGenes*i+int(Wnt)] += math.Exp(-float64(cfg.Points-1-i) / 10)
	}
	sim, err := NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var first [NumGenes]float64
	var endMoved bool
	err = sim.Run(x0, NoKnockout, []int{0, 100, 1000, 2999}, func(j int, st State) error {
		for g := range st {
			sum := 0.0
			for _, v := range st[g][1 : len(st[g])-1] {
				sum += v
			}
			if j == 0 {
				first[g] = sum
				continue
			}
			if d := math.Abs(sum - first[g]); d > tolConserve*math.Max(1, math.Abs(first[g])) {
				t.Errorf("frame %d: interior total of %v = %.15g, first frame %.15g (drift %.3g)", j, Gene(g), sum, first[g], d)
			}
		}
		if j == 3 && math.Abs(st[Bmp][0]-x0[int(Bmp)]) > 0.1 {
			endMoved = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if !endMoved {
		t.Errorf("the Bmp bump did not diffuse away from the left boundary: the check is too weak")
	}
}

func TestSimulator_Errors(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Steps = 10
	sim, err := NewSimulator(cfg)
	if err != nil {
		t.Fatal(err)
	}
	good := make([]float64, NumGenes*cfg.Points)
	noop := func(int, State) error { return nil }
	cases := []struct {
		name   string
		x0     []float64
		ko     Gene
		labels []int
		want   error
	}{
		{"short initial state", good[:5], NoKnockout, []int{0}, ErrInput},
		{"bad knockout", good, 3, []int{0}, ErrInput},
		{"no labels", good, NoKnockout, nil, ErrInput},
		{"label past the horizon", good, NoKnockout, []int{10}, ErrInput},
		{"labels not increasing", good, NoKnockout, []int{3, 3}, ErrInput},
		{"negative label", good, NoKnockout, []int{-1}, ErrInput},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := sim.Run(tc.x0, tc.ko, tc.labels, noop); !errors.Is(err, tc.want) {
				t.Fatalf("Run = %v, want %v", err, tc.want)
			}
		})
	}
	t.Run("divergence", func(t *testing.T) {
		cfg := DefaultConfig()
		cfg.Steps, cfg.K5 = 4000, 50 // Bmp grows like e^{50 t}: overflows by t = 15
		sim, err := NewSimulator(cfg)
		if err != nil {
			t.Fatal(err)
		}
		x0 := make([]float64, NumGenes*cfg.Points)
		for i := range x0 {
			x0[i] = 0.01
		}
		if err := sim.Run(x0, NoKnockout, []int{3999}, noop); !errors.Is(err, ErrDiverged) {
			t.Fatalf("Run = %v, want ErrDiverged", err)
		}
	})
	t.Run("visit error", func(t *testing.T) {
		stopErr := errors.New("stop")
		if err := sim.Run(good, NoKnockout, []int{0, 5}, func(int, State) error { return stopErr }); err != stopErr {
			t.Fatalf("Run = %v, want the visit error", err)
		}
	})
}
