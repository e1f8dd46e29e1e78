package transcriptomics

import (
	"errors"
	"math"
	"testing"
)

const tolPosition = 1e-12

func TestGrids(t *testing.T) {
	cfg := DefaultConfig()
	cases := []struct {
		grid              Grid
		nodes, times, spc int
		lastS, lastT      float64
		knockout          bool
	}{
		{TrainGrid(), 100, 10, 10, 54, 90, false},
		{TestGrid(), 96, 8, 12, 55, 87.5, false},
		{KnockoutGrid(), 96, 8, 12, 55, 87.5, true},
	}
	for _, tc := range cases {
		t.Run(tc.grid.Name, func(t *testing.T) {
			g := tc.grid
			if err := g.Validate(cfg); err != nil {
				t.Fatal(err)
			}
			if g.Nodes() != tc.nodes || g.Times() != tc.times || g.Spaces() != tc.spc || g.Knockout != tc.knockout {
				t.Fatalf("nodes %d times %d spaces %d knockout %v, want %d %d %d %v", g.Nodes(), g.Times(), g.Spaces(), g.Knockout, tc.nodes, tc.times, tc.spc, tc.knockout)
			}
			s, tm, pos := g.SpacePositions(cfg), g.TimePositions(cfg), g.Positions(cfg)
			if len(s) != tc.nodes || len(tm) != tc.nodes || len(pos) != 2*tc.nodes {
				t.Fatalf("lengths %d %d %d", len(s), len(tm), len(pos))
			}
			// Time-major: node 1 is the second space point at the first time point.
			if s[0] != 0 || tm[0] != 0 || tm[1] != 0 || s[1] <= 0 {
				t.Errorf("node order not time-major: s[0..1] = %v, t[0..1] = %v", s[:2], tm[:2])
			}
			n := tc.nodes - 1
			if math.Abs(s[n]-tc.lastS) > tolPosition || math.Abs(tm[n]-tc.lastT) > tolPosition {
				t.Errorf("last node at (s, t) = (%v, %v), want (%v, %v)", s[n], tm[n], tc.lastS, tc.lastT)
			}
			if math.Abs(pos[2*n]-tc.lastS/54) > tolPosition || math.Abs(pos[2*n+1]-tc.lastT/90) > tolPosition {
				t.Errorf("last normalised position (%v, %v), want (%v, %v)", pos[2*n], pos[2*n+1], tc.lastS/54, tc.lastT/90)
			}
			for ti := range g.TimeSteps {
				for si := range g.SpaceIndices {
					k := g.Node(ti, si)
					if math.Abs(tm[k]-cfg.Time(g.TimeSteps[ti])) > tolPosition || math.Abs(s[k]-cfg.Space(g.SpaceIndices[si])) > tolPosition {
						t.Fatalf("node %d = (%d, %d): position (%v, %v)", k, ti, si, s[k], tm[k])
					}
				}
			}
			byName, err := GridByName(g.Name)
			if err != nil || byName.Name != g.Name || byName.Nodes() != g.Nodes() {
				t.Errorf("GridByName(%q) = %v, %v", g.Name, byName, err)
			}
		})
	}
	t.Run("train positions as the reference's st_grid", func(t *testing.T) {
		pos := TrainGrid().Positions(cfg)
		for n := 0; n < 100; n++ {
			ws, wt := float64(6*(n%10))/54, float64(10*(n/10))/90
			if math.Abs(pos[2*n]-ws) > tolPosition || math.Abs(pos[2*n+1]-wt) > tolPosition {
				t.Fatalf("node %d: (%v, %v), want (%v, %v)", n, pos[2*n], pos[2*n+1], ws, wt)
			}
		}
	})
	t.Run("unknown name", func(t *testing.T) {
		if _, err := GridByName("validation"); !errors.Is(err, ErrInput) {
			t.Fatalf("GridByName = %v, want ErrInput", err)
		}
	})
	t.Run("default stat steps", func(t *testing.T) {
		want := []int{0, 2000, 2500, 4000, 5000, 6000, 7500, 8000, 10000, 12000, 12500, 14000, 15000, 16000, 17500, 18000}
		got := DefaultStatSteps()
		if len(got) != len(want) {
			t.Fatalf("DefaultStatSteps = %v, want %v", got, want)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Fatalf("DefaultStatSteps = %v, want %v", got, want)
			}
		}
	})
}
