package generative

import (
	"fmt"
	"math"
)

// Shape is the shape of one sample: Nodes rows of Dim numbers, stored row-major in one
// []float64 of length Nodes·Dim.
type Shape struct {
	Nodes int `json:"nodes"`
	Dim   int `json:"dim"`
}

// Size returns Nodes·Dim, the number of values in one sample.
func (s Shape) Size() int { return s.Nodes * s.Dim }

// Validate returns an error unless Nodes ≥ 1 and Dim ≥ 1.
func (s Shape) Validate() error {
	if s.Nodes < 1 || s.Dim < 1 {
		return fmt.Errorf("generative: sample shape %d nodes x %d dims: %w (want both ≥ 1)", s.Nodes, s.Dim, ErrShape)
	}
	return nil
}

// Split returns len(flat)/Size() views of flat, one per sample, without copying. len(flat)
// must be a multiple of Size().
func Split(flat []float64, s Shape) ([][]float64, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	n := s.Size()
	if len(flat)%n != 0 {
		return nil, fmt.Errorf("generative: split %d values into samples of %d x %d: %w", len(flat), s.Nodes, s.Dim, ErrShape)
	}
	out := make([][]float64, len(flat)/n)
	for i := range out {
		out[i] = flat[i*n : (i+1)*n : (i+1)*n]
	}
	return out, nil
}

// ValidateData checks that data holds at least one sample, that every sample has Size()
// values and that every value is finite; the error names the first offending sample and
// entry.
func ValidateData(data [][]float64, s Shape) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if len(data) == 0 {
		return fmt.Errorf("generative: no data samples: %w", ErrShape)
	}
	n := s.Size()
	for i, x := range data {
		if len(x) != n {
			return fmt.Errorf("generative: data sample %d has %d values, want %d (%d nodes x %d dims): %w", i, len(x), n, s.Nodes, s.Dim, ErrShape)
		}
		for j, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("generative: data sample %d, node %d, dim %d is %v: %w", i, j/s.Dim, j%s.Dim, v, ErrValue)
			}
		}
	}
	return nil
}
