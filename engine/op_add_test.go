package engine_test

import (
	"math/rand"
	"testing"

	"github.com/ncgn/ncgn/engine"
	"github.com/ncgn/ncgn/internal/gradcheck"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestAdd_Grad(t *testing.T) {
	rng := rand.New(rand.NewSource(13))
	in := []*tensor.Dense{gradcheck.RandDense(rng, 5, 3), gradcheck.RandDense(rng, 5, 3), gradcheck.RandDense(rng, 5, 3)}
	gradcheck.Check(t, in, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
		// x0 is used twice, so its gradient is accumulated by gorgonia across two uses.
		s, err := engine.Add(xs[0], xs[1], xs[2])
		if err != nil {
			return nil, err
		}
		return engine.Add(s, xs[0])
	}, 0, 1, 2)
}

// TestAdd_Forward checks a sum larger than one parallel block against a plain loop.
