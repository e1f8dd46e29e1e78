package generative

import (
	"fmt"
	"math"

	"github.com/ncgn/ncgn/internal/lap"
)

// Coupling names how a training step pairs data with noise (TrainConfig.Coupling).
type Coupling string

// The couplings of flow-matching training.
const (
	CouplingIndependent Coupling = "independent"
	CouplingOT          Coupling = "ot"
)

// coupleOT reorders the B noise samples of a step (noise holds B blocks of n values) so that
// data sample idx[b] gets the noise block of the exact assignment minimising the total squared
// Euclidean distance between paired data and noise (minibatch OT, OT-CFM). The noise values
// are only permuted between samples, so each is still standard normal.
func coupleOT(noise []float64, idx []int, data [][]float64, n int) error {
	B := len(idx)
	cost := make([]float64, B*B)
	for b, j := range idx {
		x := data[j]
		if len(x) != n {
			return fmt.Errorf("OT coupling: sample %d has %d values, want %d: %w", j, len(x), n, ErrShape)
		}
		for c := range B {
			e := noise[c*n : (c+1)*n]
			var s float64
			for k, v := range x {
				d := v - e[k]
				s += d * d
			}
			if math.IsNaN(s) || math.IsInf(s, 0) {
				return fmt.Errorf("OT coupling: distance of sample %d to noise %d is %v: %w", j, c, s, ErrNonFinite)
			}
			cost[b*B+c] = s
		}
	}
	var s lap.Solver
	match := make([]int, B)
	if _, err := s.Solve(cost, B, match); err != nil {
		return fmt.Errorf("OT coupling: %v: %w", err, ErrValue)
	}
	old := append([]float64(nil), noise...)
	for b, c := range match {
		copy(noise[b*n:(b+1)*n], old[c*n:(c+1)*n])
	}
	return nil
}
