package layers

import (
	"math/rand"
	"testing"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestAdd_Grad(t *testing.T) {
	rng := rand.New(rand.NewSource(13))
	in := []*tensor.Dense{randDense(rng, 5, 3), randDense(rng, 5, 3), randDense(rng, 5, 3)}
	checkGrad(t, in, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		// x0 is used twice, so its gradient is accumulated by gorgonia across two uses.
		s, err := Add(xs[0], xs[1], xs[2])
		if err != nil {
			return nil, err
		}
		return Add(s, xs[0])
	}, 0, 1, 2)
}

// TestAdd_Forward checks a sum larger than one parallel block against a plain loop.
