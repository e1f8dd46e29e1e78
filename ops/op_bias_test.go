package ops

import (
	"fmt"
	"math/rand"
	"testing"

	"github.com/ncgn/ncgn/internal/gradcheck"
	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

func TestAddBias_Grad(t *testing.T) {
	rng := rand.New(rand.NewSource(17))
	for extra := 0; extra <= 2; extra++ {
		t.Run(fmt.Sprintf("extra=%d", extra), func(t *testing.T) {
			in := []*tensor.Dense{gradcheck.RandDense(rng, 5, 3), gradcheck.RandDense(rng, 1, 3)}
			wrt := []int{0, 1}
			for k := 0; k < extra; k++ {
				in = append(in, gradcheck.RandDense(rng, 5, 3))
				wrt = append(wrt, 2+k)
			}
			gradcheck.Check(t, in, func(g *gorgonia.ExprGraph, xs []*gorgonia.Node) (*gorgonia.Node, error) {
				return AddBias(xs[0], xs[1], xs[2:]...)
			}, wrt...)
		})
	}
}

// TestAddBias_Forward checks x + b + e over more rows than one parallel chunk.
