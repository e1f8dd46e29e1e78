package schedules

import (
	"errors"
	"fmt"
	"math"
	"testing"
)

// golden values from the reference's formulas (REFERENCE.md §2), evaluated in Python
// (math.ceil, math.exp, math.log) by a throw-away script; N = 400, k = 7 is ModelNet40's setting
// and N = 100, k = 5 the transcriptomics one.
var goldenTs = []NoiseLevel{0, 0.1, 0.25, 0.5, 0.656, 0.75, 0.9, 0.99, 1}

var goldenSteps = []struct {
	kind  Kind
	n, k  int
	steps [][2]int // (s_t, k_t) at goldenTs
}{
	{Linear, 400, 7, [][2]int{{53, 53}, {88, 32}, {140, 20}, {227, 13}, {281, 10}, {314, 9}, {366, 8}, {397, 8}, {400, 7}}},
	{Linear, 100, 5, [][2]int{{23, 22}, {31, 17}, {42, 12}, {62, 9}, {74, 7}, {81, 7}, {93, 6}, {100, 5}, {100, 5}}},
	{Exp, 400, 7, [][2]int{{53, 53}, {53, 53}, {54, 53}, {56, 51}, {65, 44}, {82, 35}, {181, 16}, {367, 8}, {400, 7}}},
	{Exp, 100, 5, [][2]int{{23, 23}, {23, 23}, {23, 23}, {23, 22}, {25, 21}, {29, 18}, {51, 10}, {93, 6}, {100, 5}}},
	{Exp, 1024, 7, [][2]int{{85, 85}, {85, 85}, {86, 85}, {91, 79}, {115, 63}, {162, 45}, {431, 17}, {935, 8}, {1024, 7}}},
	{Log, 400, 7, [][2]int{{53, 53}, {154, 19}, {235, 12}, {313, 9}, {346, 9}, {363, 8}, {387, 8}, {399, 8}, {400, 7}}},
	{Log, 100, 5, [][2]int{{23, 23}, {45, 12}, {63, 8}, {81, 7}, {88, 6}, {92, 6}, {97, 6}, {100, 6}, {100, 5}}},
	{ReLU, 400, 7, [][2]int{{53, 53}, {53, 53}, {53, 53}, {53, 53}, {102, 28}, {184, 16}, {314, 9}, {392, 8}, {400, 7}}},
	// The reference's relu gives 1025 > N at t = 1 here (rounding in s_0 + (N-s_0)/(1-a)(t-a));
	// this package snaps the boundary to exactly N.
	{ReLU, 1024, 7, [][2]int{{85, 85}, {85, 85}, {85, 85}, {85, 85}, {217, 34}, {437, 17}, {790, 10}, {1001, 8}, {1024, 7}}},
}

func TestSchedule_Golden(t *testing.T) {
	for _, tc := range goldenSteps {
		t.Run(fmt.Sprintf("%s/N=%d/k=%d", tc.kind, tc.n, tc.k), func(t *testing.T) {
			s, err := New(Config{Kind: tc.kind, Nodes: tc.n, K: tc.k})
			if err != nil {
				t.Fatal(err)
			}
			for i, tt := range goldenTs {
				got := s.At(tt)
				want := Step{Supernodes: tc.steps[i][0], Neighbours: tc.steps[i][1]}
				if got != want {
					t.Errorf("At(%v) = %+v, want %+v", tt, got, want)
				}
			}
		})
	}
}

// TestSchedule_ExpFullResolution checks REFERENCE.md §2: with N = 400, k = 7 the exp schedule
// reaches full resolution only for t >= 0.9997 (0.99972 to five places).
func TestSchedule_ExpFullResolution(t *testing.T) {
	s, err := New(Config{Kind: Exp, Nodes: 400, K: 7})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.At(0.99972).Supernodes; got != 400 {
		t.Errorf("At(0.99972).Supernodes = %d, want 400", got)
	}
	if got := s.At(0.99971).Supernodes; got >= 400 {
		t.Errorf("At(0.99971).Supernodes = %d, want < 400", got)
	}
}

// TestSchedule_Properties checks the paper's constraints (Section 4.1) over many (N, k):
// monotonicity on a fine grid of t, the boundary conditions, and s_t k_t within rounding of kN.
func TestSchedule_Properties(t *testing.T) {
	const gridSteps = 1000
	var sizes []int
	for n := 1; n <= 64; n++ {
		sizes = append(sizes, n)
	}
	sizes = append(sizes, 99, 100, 101, 255, 256, 400, 1000, 1024, 4096, 25600, 100000)
	ks := []int{1, 2, 3, 4, 5, 7, 8, 16, 50, 200}
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			for _, n := range sizes {
				for _, k := range ks {
					s, err := New(Config{Kind: kind, Nodes: n, K: k})
					if err != nil {
						t.Fatal(err)
					}
					checkProperties(t, s, n, k, gridSteps)
				}
			}
		})
	}
}

func checkProperties(t *testing.T, s Schedule, n, k, gridSteps int) {
	t.Helper()
	s0 := math.Min(math.Sqrt(float64(k*n)), float64(n))
	first := s.At(0)
	if want := int(math.Ceil(s0)); first.Supernodes != want {
		t.Errorf("N=%d k=%d: s_0 = %d, want ceil(sqrt(kN)) = %d", n, k, first.Supernodes, want)
	}
	if last := s.At(1); last != (Step{Supernodes: n, Neighbours: k}) {
		t.Errorf("N=%d k=%d: At(1) = %+v, want {%d %d}", n, k, last, n, k)
	}
	prev := first
	for i := 0; i <= gridSteps; i++ {
		tt := NoiseLevel(float64(i) / float64(gridSteps))
		st := s.At(tt)
		if st.Supernodes < prev.Supernodes || st.Neighbours > prev.Neighbours {
			t.Fatalf("N=%d k=%d: not monotone at t=%v: %+v after %+v", n, k, tt, st, prev)
		}
		if st.Supernodes < 1 || st.Supernodes > n || st.Neighbours < k {
			t.Fatalf("N=%d k=%d: At(%v) = %+v out of range", n, k, tt, st)
		}
		if p := st.EdgeBudget(); p < k*n || p >= k*n+st.Supernodes+st.Neighbours {
			t.Fatalf("N=%d k=%d: At(%v) = %+v: s_t k_t = %d, want in [kN, kN + s_t + k_t) = [%d, %d)",
				n, k, tt, st, p, k*n, k*n+st.Supernodes+st.Neighbours)
		}
		prev = st
	}
}

func TestSchedule_Clamp(t *testing.T) {
	s, err := New(Config{Kind: Exp, Nodes: 400, K: 7})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		t    NoiseLevel
		want NoiseLevel
	}{
		{"below", -0.5, 0},
		{"above", 1.5, 1},
		{"NaN", NoiseLevel(math.NaN()), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got, want := s.At(tc.t), s.At(tc.want); got != want {
				t.Errorf("At(%v) = %+v, want At(%v) = %+v", tc.t, got, tc.want, want)
			}
		})
	}
}

func TestNew_Config(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr bool
		want    Config // defaults filled in
	}{
		{"exp defaults", Config{Kind: Exp, Nodes: 400, K: 7}, false, Config{Kind: Exp, Nodes: 400, K: 7, Curvature: 10, Split: 0.6}},
		{"log curvature", Config{Kind: Log, Nodes: 10, K: 1, Curvature: 3}, false, Config{Kind: Log, Nodes: 10, K: 1, Curvature: 3, Split: 0.6}},
		{"relu split", Config{Kind: ReLU, Nodes: 10, K: 2, Split: 0.3}, false, Config{Kind: ReLU, Nodes: 10, K: 2, Curvature: 10, Split: 0.3}},
		{"k above N", Config{Kind: Linear, Nodes: 3, K: 10}, false, Config{Kind: Linear, Nodes: 3, K: 10, Curvature: 10, Split: 0.6}},
		{"no nodes", Config{Kind: Exp, Nodes: 0, K: 7}, true, Config{}},
		{"negative k", Config{Kind: Exp, Nodes: 400, K: -1}, true, Config{}},
		{"zero k", Config{Kind: Exp, Nodes: 400}, true, Config{}},
		{"unknown kind", Config{Kind: "cosine", Nodes: 400, K: 7}, true, Config{}},
		{"empty kind", Config{Nodes: 400, K: 7}, true, Config{}},
		{"negative curvature", Config{Kind: Exp, Nodes: 400, K: 7, Curvature: -1}, true, Config{}},
		{"NaN curvature", Config{Kind: Log, Nodes: 400, K: 7, Curvature: math.NaN()}, true, Config{}},
		{"huge curvature", Config{Kind: Exp, Nodes: 400, K: 7, Curvature: 1000}, true, Config{}},
		{"split 1", Config{Kind: ReLU, Nodes: 400, K: 7, Split: 1}, true, Config{}},
		{"negative split", Config{Kind: ReLU, Nodes: 400, K: 7, Split: -0.2}, true, Config{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, err := New(tc.cfg)
			if tc.wantErr {
				if !errors.Is(err, ErrConfig) {
					t.Fatalf("New(%+v) error = %v, want ErrConfig", tc.cfg, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := s.Config(); got != tc.want {
				t.Errorf("Config() = %+v, want %+v", got, tc.want)
			}
		})
	}
}

// TestSchedule_KAboveN: with k >= N the coarsest resolution is already N, so the graph is
// never coarsened and every node keeps k neighbours.
func TestSchedule_KAboveN(t *testing.T) {
	for _, kind := range Kinds {
		s, err := New(Config{Kind: kind, Nodes: 5, K: 9})
		if err != nil {
			t.Fatal(err)
		}
		for _, tt := range goldenTs {
			if got := s.At(tt); got != (Step{Supernodes: 5, Neighbours: 9}) {
				t.Errorf("%s: At(%v) = %+v, want {5 9}", kind, tt, got)
			}
		}
	}
}

func BenchmarkScheduleAt(b *testing.B) {
	for _, kind := range Kinds {
		b.Run(string(kind), func(b *testing.B) {
			s, err := New(Config{Kind: kind, Nodes: 400, K: 7})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			var sum int
			for i := 0; b.Loop(); i++ {
				sum += s.At(NoiseLevel(float64(i%1000) / 999)).Supernodes
			}
			benchSink = sum
		})
	}
}

var benchSink int
