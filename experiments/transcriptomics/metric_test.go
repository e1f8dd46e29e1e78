package transcriptomics

import (
	"errors"
	"math"
	"testing"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/metrics"
)

const metricTol = 1e-12

func TestGeneratedW2_HandChecked(t *testing.T) {
	cases := []struct {
		name       string
		gen, truth [][]float64
		masks      [][]bool
		divisor    float64
		want       float64
	}{
		{
			// Unknown entry 2 only: gen {5, 7} vs truth {4, 9}: pairing (5,4),(7,9) costs 1+2,
			// the other 4+3; OT = 3/2.
			name:  "shared mask",
			gen:   [][]float64{{0, 0, 5}, {1, 1, 7}},
			truth: [][]float64{{9, 9, 4}, {8, 8, 9}},
			masks: [][]bool{{true, true, false}, {true, true, false}}, divisor: 1, want: 1.5,
		},
		{
			// Two groups of one sample each: group 1 unknown entry 0: |1-4| = 3; group 2
			// unknown entries 0 and 1: |(0,0)-(3,4)| = 5; (1/2)·3 + (1/2)·5 = 4; / 2.
			name:  "groups by mask",
			gen:   [][]float64{{1, 100}, {0, 0}},
			truth: [][]float64{{4, -100}, {3, 4}},
			masks: [][]bool{{false, true}, {false, false}}, divisor: 2, want: 2,
		},
		{
			name:  "everything known",
			gen:   [][]float64{{1}, {2}},
			truth: [][]float64{{5}, {6}},
			masks: [][]bool{{true}, {true}}, divisor: 1, want: 0,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := GeneratedW2(tc.gen, tc.truth, tc.masks, tc.divisor)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(got-tc.want) > metricTol {
				t.Fatalf("GeneratedW2 = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPairedRMSE_HandChecked(t *testing.T) {
	gen := [][]float64{{1, 2, 3}, {0, 0, 0}}
	truth := [][]float64{{1, 0, 3}, {3, 0, 4}}
	masks := [][]bool{{true, false, true}, {false, true, false}}
	// unknown differences: 2; 3, 4 -> sqrt((4 + 9 + 16)/3)
	got, err := PairedRMSE(gen, truth, masks)
	if err != nil {
		t.Fatal(err)
	}
	if want := math.Sqrt(29.0 / 3); math.Abs(got-want) > metricTol {
		t.Fatalf("PairedRMSE = %v, want %v", got, want)
	}
	if _, err := PairedRMSE(gen, truth, [][]bool{{true, true, true}, {true, true, true}}); !errors.Is(err, experiments.ErrConfig) {
		t.Fatalf("PairedRMSE without unknown entries: %v, want ErrConfig", err)
	}
}

func TestScore(t *testing.T) {
	gen := [][]float64{{0, 0, 5}, {1, 1, 7}}
	truth := [][]float64{{9, 9, 4}, {8, 8, 9}}
	t.Run("unconditional", func(t *testing.T) {
		s, err := Score(gen, truth, nil, 8)
		if err != nil {
			t.Fatal(err)
		}
		want, _ := metrics.FlattenedW2(gen, truth, 8)
		if s.W2 != want || s.W2Generated != want || s.PairedRMSE != nil {
			t.Fatalf("Score = %+v, want W2 = W2Generated = %v and no paired RMSE", s, want)
		}
	})
	t.Run("conditional", func(t *testing.T) {
		masks := [][]bool{{true, true, false}, {true, true, false}}
		s, err := Score(gen, truth, masks, 1)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(s.W2Generated-1.5) > metricTol || s.PairedRMSE == nil || math.Abs(*s.PairedRMSE-math.Sqrt(2.5)) > metricTol {
			t.Fatalf("Score = %+v, want generated 1.5 and paired RMSE sqrt(2.5)", s)
		}
		if !(s.W2 > s.W2Generated) {
			t.Fatalf("W2 %v over all entries should exceed %v here (the known entries differ)", s.W2, s.W2Generated)
		}
	})
	t.Run("errors", func(t *testing.T) {
		if _, err := Score(gen, truth[:1], nil, 1); !errors.Is(err, experiments.ErrConfig) {
			t.Errorf("unequal sets: %v", err)
		}
		if _, err := Score(gen, truth, [][]bool{{true}}, 1); !errors.Is(err, experiments.ErrConfig) {
			t.Errorf("wrong number of masks: %v", err)
		}
		if _, err := GeneratedW2(gen, truth, [][]bool{{true}, {true}}, 1); !errors.Is(err, experiments.ErrConfig) {
			t.Errorf("mask of the wrong length: %v", err)
		}
		if _, err := GeneratedW2(gen, truth, [][]bool{{true, true, false}, {true, true, false}}, 0); !errors.Is(err, experiments.ErrConfig) {
			t.Errorf("zero divisor: %v", err)
		}
	})
}
